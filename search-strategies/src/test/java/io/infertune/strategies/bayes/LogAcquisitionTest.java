package io.infertune.strategies.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogAcquisitionTest {
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

  @Test
  void logEiMatchesTheLogOfEiWhereEiIsLarge() {
    for (double z = -5; z <= 6; z += 0.25) {
      double direct = Math.log(LogAcquisition.density(z) + z * LogAcquisition.cdf(z));
      assertThat(LogAcquisition.logH(z)).as("z = %s", z).isCloseTo(direct, within(1e-7));
    }
    // In the units of a posterior: log EI = log σ + log h(z).
    double mean = 3;
    double std = 2;
    double best = 2.5;
    double z = (mean - best) / std;
    double ei = std * (LogAcquisition.density(z) + z * LogAcquisition.cdf(z));
    assertThat(LogAcquisition.logExpectedImprovement(mean, std, best))
        .isCloseTo(Math.log(ei), within(1e-12));
  }

  @Test
  void logEiStaysFiniteAndIncreasingWhereEiUnderflows() {
    double z0 = -40;
    // The plain formula has nothing left: exp(-800) underflows.
    assertThat(LogAcquisition.density(z0) + z0 * LogAcquisition.cdf(z0)).isEqualTo(0);
    double previous = Double.NEGATIVE_INFINITY;
    for (double z : new double[] {-1e150, -1e10, -1e5, -1e3, -100, -40, -20, -10, -5, -1, 0, 1}) {
      double v = LogAcquisition.logH(z);
      assertThat(v).as("z = %s", z).isFinite().isGreaterThan(previous);
      previous = v;
    }
    // Far below, log h(z) = −z²/2 − log √(2π) − 2 log|z| + log(1 − 3/z² + 15/z⁴ − ...).
    for (double z : new double[] {-40, -1e3, -1e5}) {
      double u = 1 / (z * z);
      double asymptote =
          -0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(-z) + Math.log1p(-3 * u + 15 * u * u);
      assertThat(LogAcquisition.logH(z))
          .as("z = %s", z)
          .isCloseTo(asymptote, within(1e-9 * Math.abs(asymptote)));
    }
  }

  @Test
  void theRegimesOfLogEiJoinContinuously() {
    for (double edge : new double[] {-1, LogAcquisition.LOG_H_SERIES_BELOW}) {
      double below = LogAcquisition.logH(edge - 1e-9);
      double above = LogAcquisition.logH(edge + 1e-9);
      assertThat(below).as("edge %s", edge).isCloseTo(above, within(1e-7));
    }
    // At z = −10 the series and the erfcx form agree to near double precision.
    double z = -10;
    double series = LogAcquisition.logOneMinusWSeries(z);
    double direct =
        Math.log1p(10 * Math.sqrt(Math.PI / 2) * -LogAcquisition.erfcx(10 / Math.sqrt(2)));
    assertThat(series).isCloseTo(direct, within(1e-9));
  }

  @Test
  void erfcxMatchesKnownValuesOnBothSidesOfItsSwitch() {
    // Reference values (Faddeeva package).
    assertThat(LogAcquisition.erfcx(0)).isCloseTo(1, within(1e-15));
    assertThat(LogAcquisition.erfcx(3)).isCloseTo(0.1790011511813899, within(1e-14));
    assertThat(LogAcquisition.erfcx(10)).isCloseTo(0.05614099274382259, within(1e-15));
    double at = LogAcquisition.ERFCX_SERIES_FROM;
    assertThat(LogAcquisition.erfcx(Math.nextDown(at)))
        .isCloseTo(LogAcquisition.erfcx(at), within(1e-13));
    // erfcx(x) = (1/(x√π)) (1 − 1/(2x²) + ...) far out.
    double x = 1e6;
    assertThat(LogAcquisition.erfcx(x))
        .isCloseTo((1 - 0.5 / (x * x)) / (x * Math.sqrt(Math.PI)), within(1e-21));
  }

  @Test
  void logCdfIsAccurateInBothTails() {
    for (double t = -6; t <= 6; t += 0.5) {
      assertThat(LogAcquisition.logCdf(t))
          .as("t = %s", t)
          .isCloseTo(Math.log(LogAcquisition.cdf(t)), within(1e-12));
    }
    // log Φ(t) ≈ −t²/2 − log(−t) − log √(2π) + log(1 − 1/t²) far below 0.
    double t = -50;
    double asymptote = -0.5 * t * t - Math.log(-t) - LOG_SQRT_2PI + Math.log1p(-1 / (t * t));
    assertThat(LogAcquisition.logCdf(t)).isCloseTo(asymptote, within(1e-6));
    assertThat(LogAcquisition.logCdf(-1e4)).isFinite();
    // Far above: log Φ(t) ≈ −Φ(−t), not rounded to 0.
    assertThat(LogAcquisition.logCdf(8)).isCloseTo(-LogAcquisition.cdf(-8), within(1e-25));
  }

  @Test
  void probabilityOfAnIntervalIsAccurateInBothTails() {
    assertThat(LogAcquisition.logProbabilityBetween(0, 1, -1, 1))
        .isCloseTo(Math.log(LogAcquisition.cdf(1) - LogAcquisition.cdf(-1)), within(1e-12));
    assertThat(LogAcquisition.logProbabilityBetween(10, 2, Double.NEGATIVE_INFINITY, 12))
        .isCloseTo(Math.log(LogAcquisition.cdf(1)), within(1e-12));
    assertThat(LogAcquisition.logProbabilityBetween(10, 2, 12, Double.POSITIVE_INFINITY))
        .isCloseTo(Math.log(LogAcquisition.cdf(-1)), within(1e-12));
    // Deep in either tail the plain difference is 0 - 0; the log stays finite and symmetric.
    double upper = LogAcquisition.logProbabilityBetween(0, 1, 40, 41);
    double lower = LogAcquisition.logProbabilityBetween(0, 1, -41, -40);
    assertThat(upper).isFinite().isCloseTo(lower, within(1e-9));
    assertThat(upper).isCloseTo(LogAcquisition.logCdf(-40), within(1e-6));
    assertThat(LogAcquisition.logProbabilityBetween(0, 1, 1, 1))
        .isEqualTo(Double.NEGATIVE_INFINITY);
  }
}
