package io.infertune.tuner.store;

import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignStatus;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Which campaigns a listing wants: newest first (by creation instant, then id, both descending), at
 * most {@code limit}, only those created before the campaign {@code before} (listed after it) when
 * it is given, and only those with the given status and on the given runtime when those are given.
 *
 * <p>{@code before} is a cursor: the id of the last campaign of the previous page. A page that ends
 * with campaign {@code x} is followed by the one that {@code before = x} selects, however many
 * campaigns were created meanwhile (they are newer, so they come before {@code x}).
 *
 * @param limit how many at most, 1 to {@value #MAX_LIMIT}
 */
public record CampaignQuery(
    int limit,
    Optional<String> before,
    Optional<CampaignStatus> status,
    Optional<String> runtimeId) {
  public static final int MAX_LIMIT = 1000;

  /** The listing's order: newest first, ties broken by id, descending. */
  public static final Comparator<Campaign> NEWEST_FIRST =
      Comparator.comparing(Campaign::createdAt).thenComparing(Campaign::id).reversed();

  public CampaignQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(runtimeId, "runtimeId");
  }

  /** The newest {@code limit} campaigns, of any status and runtime. */
  public static CampaignQuery newest(int limit) {
    return new CampaignQuery(limit, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Whether {@code c} passes the status and runtime filters (the cursor aside). */
  public boolean matches(Campaign c) {
    return status.map(s -> s == c.status()).orElse(true)
        && runtimeId.map(r -> r.equals(c.spec().runtimeId())).orElse(true);
  }
}
