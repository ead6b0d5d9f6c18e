package io.infertune.tuner.measure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A window in progress, as a {@link WindowMonitor} sees it: how long it has run and what it has
 * measured so far, with confidence intervals at any level.
 *
 * @implNote not thread-safe; valid only during the {@link WindowMonitor#check} call it is given to.
 */
public final class WindowProgress {
  private final SampledWindow window;

  private final boolean warmingUp;

  WindowProgress(SampledWindow window) {
    this(window, false);
  }

  WindowProgress(SampledWindow window, boolean warmingUp) {
    this.window = Objects.requireNonNull(window, "window");
    this.warmingUp = warmingUp;
  }

  /** The window's length so far (warm-up excluded). */
  public Duration elapsed() {
    return Duration.ofNanos(window.elapsedNanos());
  }

  /** Sampling intervals so far. */
  public int intervals() {
    return window.intervals();
  }

  /** The measurement so far; empty while nothing has completed. */
  public Optional<Measurement> measurement() {
    return window.summary();
  }

  /**
   * The last sampling interval on its own: what the runtime did in the most recent {@code
   * sampleInterval}, for checks that must react to one bad interval (a live campaign's SLO guard)
   * rather than to the window's average; empty when nothing completed in it.
   */
  public Optional<Measurement> lastInterval() {
    return window.lastInterval();
  }

  /** Whether this progress comes from the warm-up, which is discarded from the measurement. */
  public boolean warmingUp() {
    return warmingUp;
  }

  /**
   * A two-sided confidence interval at {@code level} (e.g. 0.99) for {@code metric}'s value so far,
   * from the spread of its per-interval values (Student t); empty with fewer than two intervals
   * that have a value, or when the metric was not measured.
   */
  public Optional<ConfidenceInterval> interval(String metric, double level) {
    return window.interval(metric, level);
  }

  /**
   * The trend of {@code metric}'s per-interval values in the window so far; empty with fewer than
   * three intervals that have a value. A metric still moving (a filling cache) has an interval that
   * describes the past, not where it is heading.
   */
  public Optional<Trend> trend(String metric) {
    return Trend.of(window.values(metric));
  }
}
