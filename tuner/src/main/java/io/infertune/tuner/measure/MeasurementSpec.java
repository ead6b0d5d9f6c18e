package io.infertune.tuner.measure;

import java.time.Duration;
import java.util.Objects;

/**
 * How a trial is measured (ARCHITECTURE.md, "Measurement protocol"): a warm-up that is discarded,
 * then a window that is sampled every {@code sampleInterval}.
 *
 * <p>The protocol is adaptive in three ways, each of which can be switched off:
 *
 * <ul>
 *   <li><b>warm-up</b>: with {@code warmupStableIntervals} = k &gt; 0 the objective is sampled per
 *       interval during the warm-up, which ends as soon as the last k interval values show no trend
 *       (their least-squares line changes by at most {@code warmupTolerance} of their mean over the
 *       k intervals), and at {@code warmup} at the latest. With k = 0 the warm-up lasts exactly
 *       {@code warmup}.
 *   <li><b>window</b>: after {@code minWindow}, the window ends as soon as the relative half-width
 *       of the objective's 95 % confidence interval is at most {@code targetRelativeHalfWidth}, and
 *       at {@code window} at the latest. {@code minWindow == window} is a fixed window.
 *   <li><b>campaign</b>: with {@code pruning}, the campaign runner abandons a trial once its
 *       objective is clearly worse than the incumbent's or a constraint clearly violated (checked
 *       between intervals after {@code minWindow}); with {@code remeasureIncumbentEvery} = N &gt; 0
 *       it re-measures the incumbent after every N trials, so that slow drift of the machine does
 *       not make every newcomer look worse (or better) than it is.
 * </ul>
 *
 * <p>The three-argument constructor is the fixed protocol (no stability test, fixed window, no
 * pruning, no re-measurement); {@link #builder()} builds any other.
 *
 * @param warmup the longest warm-up: load applied before measuring, discarded (JIT, caches, batcher
 *     queues settle)
 * @param window the longest measurement window after warm-up
 * @param sampleInterval how often the metric source is sampled; rates are computed per interval, so
 *     the interval count is the sample size of the throughput confidence interval
 * @param minWindow the shortest window, at least one interval and at most {@code window}
 * @param targetRelativeHalfWidth the window ends when the objective's 95 % interval is this narrow
 *     relative to its centre (0.05 = ±5 %); 0 never ends a window early on precision
 * @param warmupStableIntervals k, the intervals the stability test looks at (0: fixed warm-up, else
 *     at least 3: a trend needs three points)
 * @param warmupTolerance the largest relative change over those k intervals that counts as stable
 * @param pruning whether the campaign runner may abandon clearly losing trials
 * @param remeasureIncumbentEvery re-measure the incumbent after every this many trials (0: never)
 */
public record MeasurementSpec(
    Duration warmup,
    Duration window,
    Duration sampleInterval,
    Duration minWindow,
    double targetRelativeHalfWidth,
    int warmupStableIntervals,
    double warmupTolerance,
    boolean pruning,
    int remeasureIncumbentEvery) {

  public MeasurementSpec {
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(sampleInterval, "sampleInterval");
    Objects.requireNonNull(minWindow, "minWindow");
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
    if (minWindow.compareTo(sampleInterval) < 0 || minWindow.compareTo(window) > 0) {
      throw new IllegalArgumentException(
          "minWindow must be at least the sampleInterval and at most the window, got " + minWindow);
    }
    if (!(targetRelativeHalfWidth >= 0 && targetRelativeHalfWidth < 1)) {
      throw new IllegalArgumentException(
          "targetRelativeHalfWidth must be in [0, 1), got " + targetRelativeHalfWidth);
    }
    if (warmupStableIntervals != 0 && (warmupStableIntervals < 3 || warmupStableIntervals > 1000)) {
      throw new IllegalArgumentException(
          "warmupStableIntervals must be 0 (fixed warm-up) or in [3, 1000], got "
              + warmupStableIntervals);
    }
    if (!(warmupTolerance > 0 && warmupTolerance < 1)) {
      throw new IllegalArgumentException(
          "warmupTolerance must be in (0, 1), got " + warmupTolerance);
    }
    if (remeasureIncumbentEvery < 0) {
      throw new IllegalArgumentException(
          "remeasureIncumbentEvery must be >= 0 (0: never), got " + remeasureIncumbentEvery);
    }
  }

  /** The fixed protocol: exactly {@code warmup}, then exactly {@code window}; nothing adaptive. */
  public MeasurementSpec(Duration warmup, Duration window, Duration sampleInterval) {
    this(
        warmup,
        window,
        sampleInterval,
        window,
        Defaults.TARGET_RELATIVE_HALF_WIDTH,
        0,
        Defaults.WARMUP_TOLERANCE,
        false,
        0);
  }

  /** The fixed protocol with a sample every half second (at most 20 intervals). */
  public static MeasurementSpec of(Duration warmup, Duration window) {
    Duration interval = window.dividedBy(Math.max(2, Math.min(20, window.toMillis() / 500)));
    return new MeasurementSpec(warmup, window, interval);
  }

  /** Whether the window may end before {@link #window()}. */
  public boolean adaptiveWindow() {
    return minWindow.compareTo(window) < 0;
  }

  /** Whether the warm-up may end before {@link #warmup()}. */
  public boolean stableWarmup() {
    return warmupStableIntervals > 0;
  }

  /**
   * A builder starting from the fixed protocol of 2 s warm-up and 5 s window, sampled every 0.5 s.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.warmup = warmup;
    b.window = window;
    b.sampleInterval = sampleInterval;
    b.minWindow = minWindow;
    b.targetRelativeHalfWidth = targetRelativeHalfWidth;
    b.warmupStableIntervals = warmupStableIntervals;
    b.warmupTolerance = warmupTolerance;
    b.pruning = pruning;
    b.remeasureIncumbentEvery = remeasureIncumbentEvery;
    return b;
  }

  /** The values the adaptive protocol uses unless told otherwise. */
  public static final class Defaults {
    /** ±5 % of the centre, at 95 % confidence. */
    public static final double TARGET_RELATIVE_HALF_WIDTH = 0.05;

    /** Four intervals whose trend changes the objective by at most 5 %. */
    public static final int WARMUP_STABLE_INTERVALS = 4;

    public static final double WARMUP_TOLERANCE = 0.05;

    private Defaults() {}
  }

  /**
   * Builds a {@link MeasurementSpec}; {@link #build()} validates. Not thread-safe.
   *
   * <p>Starts fixed (2 s warm-up, 5 s window, 0.5 s intervals); {@link #adaptiveWindow}, {@link
   * #stableWarmup}, {@link #pruning} and {@link #remeasureIncumbentEvery} switch the adaptive parts
   * on.
   */
  public static final class Builder {
    private Duration warmup = Duration.ofSeconds(2);
    private Duration window = Duration.ofSeconds(5);
    private Duration sampleInterval = Duration.ofMillis(500);
    private Duration minWindow;
    private double targetRelativeHalfWidth = Defaults.TARGET_RELATIVE_HALF_WIDTH;
    private int warmupStableIntervals;
    private double warmupTolerance = Defaults.WARMUP_TOLERANCE;
    private boolean pruning;
    private int remeasureIncumbentEvery;

    private Builder() {}

    /** The longest warm-up (all of it unless {@link #stableWarmup} is set). */
    public Builder warmup(Duration maxWarmup) {
      this.warmup = maxWarmup;
      return this;
    }

    /** A fixed window: {@code minWindow = window}. */
    public Builder fixedWindow(Duration window) {
      this.window = window;
      this.minWindow = window;
      return this;
    }

    /** A window of {@code min} to {@code max}, ending when the objective's interval is narrow. */
    public Builder adaptiveWindow(Duration min, Duration max, double targetRelativeHalfWidth) {
      this.minWindow = min;
      this.window = max;
      this.targetRelativeHalfWidth = targetRelativeHalfWidth;
      return this;
    }

    public Builder sampleInterval(Duration sampleInterval) {
      this.sampleInterval = sampleInterval;
      return this;
    }

    /** End the warm-up once the last {@code intervals} values vary by at most {@code tolerance}. */
    public Builder stableWarmup(int intervals, double tolerance) {
      this.warmupStableIntervals = intervals;
      this.warmupTolerance = tolerance;
      return this;
    }

    public Builder pruning(boolean pruning) {
      this.pruning = pruning;
      return this;
    }

    /** Re-measure the incumbent after every {@code trials} trials (0: never). */
    public Builder remeasureIncumbentEvery(int trials) {
      this.remeasureIncumbentEvery = trials;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the value at fault
     */
    public MeasurementSpec build() {
      return new MeasurementSpec(
          warmup,
          window,
          sampleInterval,
          minWindow == null ? window : minWindow,
          targetRelativeHalfWidth,
          warmupStableIntervals,
          warmupTolerance,
          pruning,
          remeasureIncumbentEvery);
    }
  }
}
