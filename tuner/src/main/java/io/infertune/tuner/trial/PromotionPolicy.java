package io.infertune.tuner.trial;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a campaign's best configuration is promoted (see {@code io.infertune.tuner.run.Promoter}): it
 * is re-measured against the runtime's configuration in interleaved rounds (A, B, A, B …), pushed
 * only when a one-sided Welch t-test says it is better at significance {@code alpha}, and then
 * watched against the campaign's constraints for {@code watch}.
 *
 * @param roundsPerArm A/B rounds per configuration, the t-test's sample size per arm; 2 to {@value
 *     #MAX_ROUNDS_PER_ARM}
 * @param roundWindow the measurement window of each round, measured after the campaign's warm-up;
 *     empty: each round is measured exactly as the campaign's trials are
 * @param alpha the significance level of the one-sided test, in (0, 0.5]
 * @param minRelativeImprovement how much better the candidate must be, as a fraction of the
 *     incumbent's mean (0.05 = 5 %); the test's null hypothesis is "at most this much better", so a
 *     push needs evidence of the margin, not only of a difference; in [0, 1)
 * @param watch how long a pushed configuration is watched against the constraints; zero: not
 *     watched; at most {@value #MAX_WATCH_HOURS} hours
 * @param watchInterval the length of one watch window; each window is checked on its own, so this
 *     is how quickly a violation is noticed; positive, at most 1 hour and, when there is a watch,
 *     at most {@code watch}
 */
public record PromotionPolicy(
    int roundsPerArm,
    Optional<Duration> roundWindow,
    double alpha,
    double minRelativeImprovement,
    Duration watch,
    Duration watchInterval) {
  public static final int MAX_ROUNDS_PER_ARM = 50;
  public static final int MAX_WATCH_HOURS = 24;

  /**
   * 5 rounds per arm measured like the trials, alpha 0.05, no margin, 60 s of watch in 10 s
   * windows.
   */
  public static final PromotionPolicy DEFAULT =
      new PromotionPolicy(
          5, Optional.empty(), 0.05, 0, Duration.ofSeconds(60), Duration.ofSeconds(10));

  public PromotionPolicy {
    if (roundsPerArm < 2 || roundsPerArm > MAX_ROUNDS_PER_ARM) {
      // The t-test needs a variance per arm: two rounds at least.
      throw new IllegalArgumentException(
          "roundsPerArm must be in [2, " + MAX_ROUNDS_PER_ARM + "], got " + roundsPerArm);
    }
    Objects.requireNonNull(roundWindow, "roundWindow");
    if (roundWindow.isPresent()
        && (!roundWindow.get().isPositive()
            || roundWindow.get().compareTo(Duration.ofHours(1)) > 0)) {
      throw new IllegalArgumentException(
          "roundWindow must be positive and at most 1 hour, got " + roundWindow.get());
    }
    if (!(alpha > 0 && alpha <= 0.5)) {
      throw new IllegalArgumentException("alpha must be in (0, 0.5], got " + alpha);
    }
    if (!(minRelativeImprovement >= 0 && minRelativeImprovement < 1)) {
      throw new IllegalArgumentException(
          "minRelativeImprovement must be in [0, 1), got " + minRelativeImprovement);
    }
    Objects.requireNonNull(watch, "watch");
    Objects.requireNonNull(watchInterval, "watchInterval");
    if (watch.isNegative() || watch.compareTo(Duration.ofHours(MAX_WATCH_HOURS)) > 0) {
      throw new IllegalArgumentException(
          "watch must be in [0, " + MAX_WATCH_HOURS + " hours], got " + watch);
    }
    if (!watchInterval.isPositive() || watchInterval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "watchInterval must be positive and at most 1 hour, got " + watchInterval);
    }
    if (watch.isPositive() && watchInterval.compareTo(watch) > 0) {
      throw new IllegalArgumentException(
          "watchInterval must be at most the watch (" + watch + "), got " + watchInterval);
    }
  }

  /** A copy with another watch: {@code watch} long, in windows of {@code interval}. */
  public PromotionPolicy withWatch(Duration watch, Duration interval) {
    return new PromotionPolicy(
        roundsPerArm, roundWindow, alpha, minRelativeImprovement, watch, interval);
  }

  /** A copy with {@code rounds} rounds per arm, each measured over {@code window}. */
  public PromotionPolicy withRounds(int rounds, Optional<Duration> window) {
    return new PromotionPolicy(rounds, window, alpha, minRelativeImprovement, watch, watchInterval);
  }
}
