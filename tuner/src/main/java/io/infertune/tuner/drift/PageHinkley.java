package io.infertune.tuner.drift;

import java.util.Objects;
import java.util.Optional;

/**
 * A two-sided Page–Hinkley change-point test on the mean of one series.
 *
 * <p>Each sample {@code x_t} is standardised against the running mean and standard deviation of the
 * samples since the last (re)start: {@code z_t = (x_t - mean_t) / s_{t-1}}, where {@code s} is the
 * sample standard deviation, floored at {@code scaleFloor * |mean|} so that a constant series has a
 * scale. The two Page–Hinkley statistics, for an increase and for a decrease, are kept in their
 * recursive form:
 *
 * <pre>
 *   G_up_t   = max(0, alpha * G_up_{t-1}   + (z_t - delta))
 *   G_down_t = max(0, alpha * G_down_{t-1} - (z_t + delta))
 * </pre>
 *
 * <p>With {@code alpha = 1} these equal the classic {@code U_t - min U_i} and {@code max L_i - L_t}
 * of the cumulative sums {@code U_t = sum (z_i - delta)} and {@code L_t = sum (z_i + delta)}.
 * Fading the statistic itself, not the cumulative sum as some implementations do, keeps it a proper
 * test: old evidence decays toward zero instead of leaving a stale extremum behind. An alarm is
 * raised when either statistic exceeds {@code lambda}. Both start only after {@code minSamples}
 * samples, which serve to learn the mean and the scale. The last time the alarmed statistic was
 * zero is the estimated change point: the means before and after it are reported with the alarm.
 * After an alarm the detector restarts from nothing, so the new level becomes the new baseline.
 *
 * <p>The running mean includes the samples after a change, so a small shift that is not caught is
 * slowly absorbed; the statistics are in standard deviations, so one policy fits series in any
 * unit.
 *
 * @implNote Not thread-safe: one detector per series, fed by one thread (the {@link DriftMonitor}
 *     locks). O(1) time and memory per sample.
 */
public final class PageHinkley {
  /** Bounds a standardised deviation, so that a jump on a zero-scale series stays finite. */
  private static final double MAX_Z = 1e6;

  private final DriftPolicy policy;

  private long count;
  private double mean;
  private double m2; // sum of squared deviations from the mean (Welford), in unit^2
  private double sum; // sum of the samples, in the series' unit

  private double up; // G_up, in standard deviations
  private long upZeroCount; // samples seen (and their sum) when G_up was last zero
  private double upZeroSum;

  private double down; // G_down, in standard deviations
  private long downZeroCount;
  private double downZeroSum;

  /**
   * What an alarm says.
   *
   * @param direction which way the mean moved
   * @param statistic the alarmed statistic, in standard deviations
   * @param meanBefore the mean from the (re)start to the estimated change point
   * @param meanAfter the mean after the estimated change point
   * @param samples the samples seen since the (re)start, this one included
   */
  public record Alarm(
      DriftDirection direction,
      double statistic,
      double meanBefore,
      double meanAfter,
      long samples) {
    public Alarm {
      Objects.requireNonNull(direction, "direction");
      if (samples < 1) {
        throw new IllegalArgumentException("samples must be positive, got " + samples);
      }
    }
  }

  public PageHinkley(DriftPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * Adds one sample; returns an alarm when it completes a change, after which the detector has
   * restarted.
   *
   * @throws IllegalArgumentException when {@code x} is not finite
   */
  public Optional<Alarm> add(double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("a sample must be finite, got " + x);
    }
    double scale = scale(); // before x: an outlier must not shrink its own deviation
    count++;
    sum += x;
    double d = x - mean;
    mean += d / count;
    m2 += d * (x - mean);
    int minSamples = policy.minSamples();
    if (count < minSamples) {
      return Optional.empty();
    }
    if (count == minSamples) {
      startStatistics();
      return Optional.empty();
    }
    double z = Math.max(-MAX_Z, Math.min(MAX_Z, (x - mean) / scale));
    double alpha = policy.alpha();
    up = Math.max(0, alpha * up + (z - policy.delta()));
    down = Math.max(0, alpha * down - (z + policy.delta()));
    if (up == 0) {
      upZeroCount = count;
      upZeroSum = sum;
    }
    if (down == 0) {
      downZeroCount = count;
      downZeroSum = sum;
    }
    Optional<Alarm> alarm = Optional.empty();
    // Both cannot be positive after a sample unless delta is 0; the larger wins.
    if (up > policy.lambda() && up >= down) {
      alarm = Optional.of(alarm(DriftDirection.UP, up, upZeroCount, upZeroSum));
    } else if (down > policy.lambda()) {
      alarm = Optional.of(alarm(DriftDirection.DOWN, down, downZeroCount, downZeroSum));
    }
    if (alarm.isPresent()) {
      reset();
    }
    return alarm;
  }

  /** Forgets everything: the next {@code minSamples} samples learn a new baseline. */
  public void reset() {
    count = 0;
    mean = 0;
    m2 = 0;
    sum = 0;
    startStatistics();
  }

  /** Samples since the last (re)start. */
  public long samples() {
    return count;
  }

  /** The running mean since the last (re)start, in the series' unit; 0 before any sample. */
  public double mean() {
    return mean;
  }

  /** The larger of the two statistics, in standard deviations; 0 while learning. */
  public double statistic() {
    return Math.max(up, down);
  }

  private void startStatistics() {
    up = 0;
    down = 0;
    upZeroCount = count;
    downZeroCount = count;
    upZeroSum = sum;
    downZeroSum = sum;
  }

  private Alarm alarm(DriftDirection direction, double statistic, long atCount, double atSum) {
    // The statistic is last zero at minSamples at the earliest, and it is positive at the alarm,
    // so both sides hold at least one sample.
    double before = atSum / atCount;
    double after = (sum - atSum) / (count - atCount);
    return new Alarm(direction, statistic, before, after, count);
  }

  private double scale() {
    double sd = count > 1 ? Math.sqrt(m2 / (count - 1)) : 0;
    double s = Math.max(sd, policy.scaleFloor() * Math.abs(mean));
    // A constant zero series has no scale at all; the smallest normal double makes any change
    // an alarm, which is what a change of a constant is.
    return Math.max(s, Double.MIN_NORMAL);
  }
}
