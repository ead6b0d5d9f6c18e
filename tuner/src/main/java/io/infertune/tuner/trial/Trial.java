package io.infertune.tuner.trial;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One configuration applied, warmed up, measured, scored. Immutable; {@code with...} methods copy.
 *
 * @param id unique and stable: {@code <campaignId>-<number>}, so that saving twice is idempotent
 * @param number 0-based position in the campaign; trial 0 of a campaign is its baseline
 * @param configuration the full configuration that was applied (every knob of the runtime)
 * @param objectiveValue the objective's value, when measured
 * @param reason why the trial failed, was infeasible or was pruned; a note on a measured trial
 *     (e.g. that it re-measured the incumbent)
 */
public record Trial(
    String id,
    String campaignId,
    int number,
    Configuration configuration,
    TrialStatus status,
    Optional<Measurement> measurement,
    OptionalDouble objectiveValue,
    Optional<String> reason,
    boolean baseline,
    Instant startedAt,
    Optional<Instant> finishedAt) {

  public Trial {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(campaignId, "campaignId");
    Objects.requireNonNull(configuration, "configuration");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(objectiveValue, "objectiveValue");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    if (number < 0) {
      throw new IllegalArgumentException("trial number must be >= 0");
    }
    if (status.isFinal() != finishedAt.isPresent()) {
      throw new IllegalArgumentException(
          "a trial has a finish time exactly when its status is final");
    }
    if ((status == TrialStatus.FAILED
            || status == TrialStatus.INFEASIBLE
            || status == TrialStatus.PRUNED)
        && reason.isEmpty()) {
      throw new IllegalArgumentException(status + " trial needs a reason");
    }
    if (status.measured() && (measurement.isEmpty() || objectiveValue.isEmpty())) {
      throw new IllegalArgumentException(status + " trial needs a measurement and objective value");
    }
  }

  /** The id of trial {@code number} of a campaign. */
  public static String idOf(String campaignId, int number) {
    return campaignId + "-" + number;
  }

  /**
   * The feasible trial with the best objective value among {@code trials}, in their order: the
   * first that no later one beats strictly (the earliest wins ties).
   */
  public static Optional<Trial> best(Iterable<Trial> trials, Objective objective) {
    Trial best = null;
    for (Trial t : trials) {
      if (t.feasible()
          && (best == null
              || objective.better(
                  t.objectiveValue().getAsDouble(), best.objectiveValue().getAsDouble()))) {
        best = t;
      }
    }
    return Optional.ofNullable(best);
  }

  /** A trial that has just started. */
  public static Trial running(
      String campaignId, int number, Configuration configuration, boolean baseline, Instant now) {
    return new Trial(
        idOf(campaignId, number),
        campaignId,
        number,
        configuration,
        TrialStatus.RUNNING,
        Optional.empty(),
        OptionalDouble.empty(),
        Optional.empty(),
        baseline,
        now,
        Optional.empty());
  }

  /** This trial, measured: COMPLETED, or INFEASIBLE when {@code violation} is present. */
  public Trial measured(Measurement m, double objective, Optional<String> violation, Instant now) {
    return new Trial(
        id,
        campaignId,
        number,
        configuration,
        violation.isPresent() ? TrialStatus.INFEASIBLE : TrialStatus.COMPLETED,
        Optional.of(m),
        OptionalDouble.of(objective),
        violation,
        baseline,
        startedAt,
        Optional.of(now));
  }

  /**
   * This trial, abandoned early: PRUNED with the partial measurement {@code m}, the objective's
   * value in it, and {@code why} (what made it clear the trial could not win).
   */
  public Trial pruned(Measurement m, double objective, String why, Instant now) {
    return new Trial(
        id,
        campaignId,
        number,
        configuration,
        TrialStatus.PRUNED,
        Optional.of(m),
        OptionalDouble.of(objective),
        Optional.of(why),
        baseline,
        startedAt,
        Optional.of(now));
  }

  /** This trial with {@code note} appended to its reason ({@code "; "} between them). */
  public Trial withNote(String note) {
    return new Trial(
        id,
        campaignId,
        number,
        configuration,
        status,
        measurement,
        objectiveValue,
        Optional.of(reason.map(r -> r + "; " + note).orElse(note)),
        baseline,
        startedAt,
        finishedAt);
  }

  /** This trial, ended without a measurement. */
  public Trial ended(TrialStatus status, String why, Instant now) {
    if (status.measured() || !status.isFinal()) {
      throw new IllegalArgumentException("ended() takes FAILED or ABORTED, got " + status);
    }
    return new Trial(
        id,
        campaignId,
        number,
        configuration,
        status,
        measurement,
        objectiveValue,
        Optional.of(why),
        baseline,
        startedAt,
        Optional.of(now));
  }

  public boolean feasible() {
    return status == TrialStatus.COMPLETED;
  }
}
