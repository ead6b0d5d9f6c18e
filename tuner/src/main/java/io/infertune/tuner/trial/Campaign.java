package io.infertune.tuner.trial;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A sequence of trials under a budget. Immutable; {@code with...} methods copy.
 *
 * @param startedBy who or what started it: {@code operator} (or {@code operator:<token name>} over
 *     an API with tokens), {@code schedule:<id>}, {@code drift:<id>}, {@code demo}
 * @param message how it ended, for people
 */
public record Campaign(
    String id,
    CampaignSpec spec,
    CampaignStatus status,
    String startedBy,
    Instant createdAt,
    Optional<Instant> finishedAt,
    Optional<String> bestTrialId,
    Optional<String> message) {

  public Campaign {
    io.infertune.tuner.space.Names.requireId("campaign id", id);
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedBy, "startedBy");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(bestTrialId, "bestTrialId");
    Objects.requireNonNull(message, "message");
  }

  public static Campaign created(String id, CampaignSpec spec, String startedBy, Instant now) {
    return new Campaign(
        id,
        spec,
        CampaignStatus.PENDING,
        startedBy,
        now,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public Campaign withStatus(CampaignStatus s) {
    return new Campaign(id, spec, s, startedBy, createdAt, finishedAt, bestTrialId, message);
  }

  /**
   * The campaign taken up again after it stopped: PENDING, without its end time and end message;
   * its trials and best trial stay.
   */
  public Campaign resumed() {
    return new Campaign(
        id,
        spec,
        CampaignStatus.PENDING,
        startedBy,
        createdAt,
        Optional.empty(),
        bestTrialId,
        Optional.empty());
  }

  public Campaign withBestTrial(String trialId) {
    return new Campaign(
        id, spec, status, startedBy, createdAt, finishedAt, Optional.of(trialId), message);
  }

  public Campaign finished(CampaignStatus s, String why, Instant now) {
    if (!s.isFinal()) {
      throw new IllegalArgumentException("finished() takes a final status, got " + s);
    }
    return new Campaign(
        id, spec, s, startedBy, createdAt, Optional.of(now), bestTrialId, Optional.of(why));
  }
}
