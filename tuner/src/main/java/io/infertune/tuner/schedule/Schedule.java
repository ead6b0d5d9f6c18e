package io.infertune.tuner.schedule;

import io.infertune.tuner.space.Names;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A schedule as stored: its spec, an id, and where it stands. Immutable; {@code with...} methods
 * copy.
 *
 * @param nextRunAt when it fires next; absent when it is disabled. A next run in the past means a
 *     fire time went by while the service was down: the schedule runs once when the service is
 *     back, however many fire times it missed.
 * @param lastRunAt when it last fired, whether the campaign started or not
 * @param lastCampaignId the campaign its last successful run started (kept when a later run fails)
 * @param lastError why its last run started no campaign (e.g. the runtime was busy); absent after a
 *     successful run
 */
public record Schedule(
    String id,
    ScheduleSpec spec,
    Instant createdAt,
    Optional<Instant> nextRunAt,
    Optional<Instant> lastRunAt,
    Optional<String> lastCampaignId,
    Optional<String> lastError) {

  public Schedule {
    Names.requireId("schedule id", id);
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(nextRunAt, "nextRunAt");
    Objects.requireNonNull(lastRunAt, "lastRunAt");
    Objects.requireNonNull(lastCampaignId, "lastCampaignId");
    Objects.requireNonNull(lastError, "lastError");
    if (!spec.enabled() && nextRunAt.isPresent()) {
      throw new IllegalArgumentException("a disabled schedule has no next run");
    }
    lastCampaignId.ifPresent(c -> Names.requireId("campaign id", c));
    if (lastRunAt.isEmpty() && (lastCampaignId.isPresent() || lastError.isPresent())) {
      throw new IllegalArgumentException("a schedule that never ran has no last campaign or error");
    }
  }

  /** A schedule that has never run. */
  public static Schedule created(
      String id, ScheduleSpec spec, Instant createdAt, Optional<Instant> nextRunAt) {
    return new Schedule(
        id, spec, createdAt, nextRunAt, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** This schedule with a new spec and next run; its creation and last run are kept. */
  public Schedule withSpec(ScheduleSpec newSpec, Optional<Instant> newNextRunAt) {
    return new Schedule(id, newSpec, createdAt, newNextRunAt, lastRunAt, lastCampaignId, lastError);
  }

  public Schedule withNextRunAt(Optional<Instant> next) {
    return new Schedule(id, spec, createdAt, next, lastRunAt, lastCampaignId, lastError);
  }

  /** This schedule after a run at {@code at} that started {@code campaignId}. */
  public Schedule started(Instant at, String campaignId) {
    return new Schedule(
        id, spec, createdAt, nextRunAt, Optional.of(at), Optional.of(campaignId), Optional.empty());
  }

  /** This schedule after a run at {@code at} that started nothing, for {@code error}. */
  public Schedule failed(Instant at, String error) {
    return new Schedule(
        id, spec, createdAt, nextRunAt, Optional.of(at), lastCampaignId, Optional.of(error));
  }
}
