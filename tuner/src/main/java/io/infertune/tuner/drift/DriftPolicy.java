package io.infertune.tuner.drift;

/**
 * How a {@link DriftMonitor} judges each watched series: a two-sided {@link PageHinkley} test on
 * the series standardised by its own running standard deviation, so one policy serves series in
 * different units (requests per second, milliseconds, tokens).
 *
 * <p>With the defaults (delta 0.5, lambda 8, no fading) the test behaves like a two-sided CUSUM
 * with k = 0.5 and h = 8: in stationary Gaussian noise an alarm is expected about once per several
 * thousand samples, and a 3 sigma step is caught a handful of samples after it happens.
 *
 * @param delta the tolerated change of the mean, in standard deviations of the series; smaller
 *     drifts are absorbed; in [0, 10]
 * @param lambda the alarm threshold on the Page–Hinkley statistic, in standard deviations; higher
 *     means fewer false alarms and slower detection; in (0, 1000]
 * @param alpha the fading factor applied to the cumulative sums before each new sample, in (0, 1];
 *     1 means no fading (the classic test), lower values forget old evidence, which bounds how long
 *     a slow drift can accumulate
 * @param minSamples samples after a (re)start used only to learn the mean and the scale; no alarm
 *     is raised before; at least 2, at most 100 000
 * @param cooldownSamples samples after an event during which the same series raises no further
 *     event (its detector keeps learning), so that one shift, even a gradual one, gives one event;
 *     in [0, 1 000 000]
 * @param scaleFloor the smallest scale, as a fraction of the absolute mean: a series quieter than
 *     this (a constant request rate) is judged on {@code scaleFloor * |mean|}, so that changes
 *     smaller than that fraction of its level are never drift; in [0, 1]
 */
public record DriftPolicy(
    double delta,
    double lambda,
    double alpha,
    int minSamples,
    int cooldownSamples,
    double scaleFloor) {

  /** delta 0.5, lambda 10, no fading, 30 learning samples, 30 cooldown samples, 1 % floor. */
  public static final DriftPolicy DEFAULT = new DriftPolicy(0.5, 10, 1, 30, 30, 0.01);

  public DriftPolicy {
    if (!(delta >= 0 && delta <= 10)) {
      throw new IllegalArgumentException(
          "delta must be in [0, 10] standard deviations, got " + delta);
    }
    if (!(lambda > 0 && lambda <= 1000)) {
      throw new IllegalArgumentException(
          "lambda must be in (0, 1000] standard deviations, got " + lambda);
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
    }
    if (minSamples < 2 || minSamples > 100_000) {
      // Two samples at least: the scale is a sample standard deviation.
      throw new IllegalArgumentException("minSamples must be in [2, 100000], got " + minSamples);
    }
    if (cooldownSamples < 0 || cooldownSamples > 1_000_000) {
      throw new IllegalArgumentException(
          "cooldownSamples must be in [0, 1000000], got " + cooldownSamples);
    }
    if (!(scaleFloor >= 0 && scaleFloor <= 1)) {
      throw new IllegalArgumentException("scaleFloor must be in [0, 1], got " + scaleFloor);
    }
  }

  public DriftPolicy withDelta(double d) {
    return new DriftPolicy(d, lambda, alpha, minSamples, cooldownSamples, scaleFloor);
  }

  public DriftPolicy withLambda(double l) {
    return new DriftPolicy(delta, l, alpha, minSamples, cooldownSamples, scaleFloor);
  }

  public DriftPolicy withAlpha(double a) {
    return new DriftPolicy(delta, lambda, a, minSamples, cooldownSamples, scaleFloor);
  }

  public DriftPolicy withMinSamples(int n) {
    return new DriftPolicy(delta, lambda, alpha, n, cooldownSamples, scaleFloor);
  }

  public DriftPolicy withCooldownSamples(int n) {
    return new DriftPolicy(delta, lambda, alpha, minSamples, n, scaleFloor);
  }

  public DriftPolicy withScaleFloor(double f) {
    return new DriftPolicy(delta, lambda, alpha, minSamples, cooldownSamples, f);
  }
}
