package io.infertune.tuner.drift;

import java.time.Instant;
import java.util.Objects;

/**
 * A change of the mean of one watched series.
 *
 * @param series the series' name, as fed to {@link DriftMonitor#observe}
 * @param direction which way the mean moved
 * @param at when the change was detected, from the monitor's ticker
 * @param meanBefore the mean from the detector's (re)start to the estimated change point, in the
 *     series' unit
 * @param recentMean the mean since the estimated change point, in the series' unit
 * @param statistic the Page–Hinkley statistic at the alarm, in standard deviations (above the
 *     policy's lambda)
 */
public record DriftEvent(
    String series,
    DriftDirection direction,
    Instant at,
    double meanBefore,
    double recentMean,
    double statistic) {
  public DriftEvent {
    Objects.requireNonNull(series, "series");
    if (series.isBlank()) {
      throw new IllegalArgumentException("series must not be blank");
    }
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(at, "at");
    if (!Double.isFinite(meanBefore) || !Double.isFinite(recentMean)) {
      throw new IllegalArgumentException(
          "means must be finite, got " + meanBefore + " and " + recentMean);
    }
    if (!(statistic >= 0) || Double.isInfinite(statistic)) {
      throw new IllegalArgumentException("statistic must be finite and >= 0, got " + statistic);
    }
  }
}
