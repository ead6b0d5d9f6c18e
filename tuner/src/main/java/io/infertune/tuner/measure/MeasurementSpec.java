package io.infertune.tuner.measure;

import java.time.Duration;
import java.util.Objects;

/**
 * How a trial is measured.
 *
 * @param warmup load applied before measuring, discarded (JIT, caches, batcher queues settle)
 * @param window the measurement window after warm-up
 * @param sampleInterval how often the metric source is sampled within the window; rates are
 *     computed per interval, so the interval count is the sample size of the throughput confidence
 *     interval
 */
public record MeasurementSpec(Duration warmup, Duration window, Duration sampleInterval) {
  public MeasurementSpec {
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(sampleInterval, "sampleInterval");
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must not be negative");
    }
    if (!window.isPositive()) {
      throw new IllegalArgumentException("window must be positive");
    }
    if (!sampleInterval.isPositive() || sampleInterval.compareTo(window) > 0) {
      throw new IllegalArgumentException("sampleInterval must be positive and at most the window");
    }
    if (window.compareTo(Duration.ofHours(1)) > 0 || warmup.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("warmup and window must be at most 1 hour");
    }
  }

  /** Warm-up and window with a sample every half second (at most 20 intervals). */
  public static MeasurementSpec of(Duration warmup, Duration window) {
    Duration interval = window.dividedBy(Math.max(2, Math.min(20, window.toMillis() / 500)));
    return new MeasurementSpec(warmup, window, interval);
  }
}
