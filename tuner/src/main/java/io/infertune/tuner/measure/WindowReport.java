package io.infertune.tuner.measure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a measurement's window went: what the protocol adapted to, how long the warm-up lasted, how
 * precise the result is and why the window ended. Recorded with the trial.
 *
 * @param metric the metric the window adapted to (the campaign's objective)
 * @param interval that metric's 95 % confidence interval over the window's sampling intervals, when
 *     there were two or more; for a quantile such as {@code latency_p95_ms} it is centred on the
 *     window's quantile and as wide as the spread of the per-interval quantiles implies (batch
 *     quantiles: an approximation)
 * @param warmup the warm-up actually spent (discarded)
 * @param warmupSettled whether the warm-up ended early because the metric had stopped trending
 * @param end why the window ended
 */
public record WindowReport(
    String metric,
    Optional<ConfidenceInterval> interval,
    Duration warmup,
    boolean warmupSettled,
    End end) {

  public WindowReport {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(end, "end");
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must not be negative");
    }
  }

  /** Why a window ended. */
  public enum End {
    /** The metric's interval became narrow enough (after the minimum window). */
    CONVERGED,
    /** The maximum window passed (the only ending of a fixed window). */
    MAX_WINDOW,
    /** The caller's {@link WindowMonitor} stopped it (a pruned trial). */
    STOPPED
  }
}
