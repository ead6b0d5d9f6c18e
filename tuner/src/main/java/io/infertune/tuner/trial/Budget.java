package io.infertune.tuner.trial;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When a campaign stops: after {@code maxTrials} trials (the baseline included) or when {@code
 * maxDuration} has passed, whichever comes first.
 */
public record Budget(int maxTrials, Optional<Duration> maxDuration) {
  public static final int MAX_TRIALS_LIMIT = 10_000;

  public Budget {
    Objects.requireNonNull(maxDuration, "maxDuration");
    if (maxTrials < 1 || maxTrials > MAX_TRIALS_LIMIT) {
      throw new IllegalArgumentException(
          "maxTrials must be in [1, " + MAX_TRIALS_LIMIT + "], got " + maxTrials);
    }
    if (maxDuration.isPresent() && !maxDuration.get().isPositive()) {
      throw new IllegalArgumentException("maxDuration must be positive");
    }
  }

  public static Budget trials(int maxTrials) {
    return new Budget(maxTrials, Optional.empty());
  }
}
