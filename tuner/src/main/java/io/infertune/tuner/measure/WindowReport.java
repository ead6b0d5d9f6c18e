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
 * @param othersCpuShare the share of all the machine's CPUs (0 to 1) that processes other than
 *     Infertune and its children used during the window ({@link HostCpu}); empty where it was not
 *     read
 * @param serviceCpuShare the share of all the machine's CPUs (0 to 1) that Infertune's own threads
 *     serving others than the measurement (its API) used during the window; empty where it was not
 *     read
 */
public record WindowReport(
    String metric,
    Optional<ConfidenceInterval> interval,
    Duration warmup,
    boolean warmupSettled,
    End end,
    Optional<Double> othersCpuShare,
    Optional<Double> serviceCpuShare) {

  /**
   * Above this share of the machine's CPUs taken by other processes and the service's API together
   * a window is {@link #noisy()}: on the 2-core machines measured here, other work at this level
   * moved a configuration's throughput by a fifth or more.
   */
  public static final double NOISY_SHARE = 0.25;

  /** A report without a reading of the machine. */
  public WindowReport(
      String metric,
      Optional<ConfidenceInterval> interval,
      Duration warmup,
      boolean warmupSettled,
      End end) {
    this(metric, interval, warmup, warmupSettled, end, Optional.empty(), Optional.empty());
  }

  /** A report with the share other processes took, and no reading of the service's own threads. */
  public WindowReport(
      String metric,
      Optional<ConfidenceInterval> interval,
      Duration warmup,
      boolean warmupSettled,
      End end,
      Optional<Double> othersCpuShare) {
    this(metric, interval, warmup, warmupSettled, end, othersCpuShare, Optional.empty());
  }

  public WindowReport {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(end, "end");
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must not be negative");
    }
    requireShare("othersCpuShare", othersCpuShare);
    requireShare("serviceCpuShare", serviceCpuShare);
  }

  private static void requireShare(String name, Optional<Double> share) {
    Objects.requireNonNull(share, name);
    share.ifPresent(
        s -> {
          if (!(s >= 0 && s <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + s);
          }
        });
  }

  /**
   * Whether other processes and the service's API together took more than {@link #NOISY_SHARE} of
   * the CPUs in the window.
   */
  public boolean noisy() {
    return othersCpuShare.orElse(0.0) + serviceCpuShare.orElse(0.0) > NOISY_SHARE;
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
