package io.infertune.strategies.bayes;

import org.apache.commons.math3.special.Erf;

/**
 * Acquisition values in log space: the logarithm of expected improvement and of the normal
 * probabilities that weigh it by feasibility, finite where the plain values underflow to zero.
 *
 * <p><b>Expected improvement.</b> For a Gaussian posterior {@code N(μ, σ²)} and an incumbent {@code
 * f*} (larger is better), {@code EI = σ h(z)} with {@code z = (μ − f*)/σ} and {@code h(z) = φ(z) +
 * z Φ(z)}. Far below the incumbent {@code h(z)} underflows (below about {@code z = −38}) and, long
 * before, loses every digit to cancellation ({@code zΦ(z) ≈ −φ(z)}); an optimiser then sees a flat
 * zero. Following Ament et al., "Unexpected improvements to expected improvement for Bayesian
 * optimization" (NeurIPS 2023), {@code log h} is computed in three regimes:
 *
 * <ul>
 *   <li>{@code z > −1}: directly, {@code log(φ(z) + zΦ(z))}: no cancellation there;
 *   <li>{@code −10 < z ≤ −1}: with {@code Φ(z) = φ(z) √(π/2) erfcx(−z/√2)}, where {@code erfcx(x) =
 *       e^{x²} erfc(x)} is the scaled complementary error function, {@code h(z) = φ(z) (1 − w)},
 *       {@code w = |z| √(π/2) erfcx(|z|/√2)}, so {@code log h = −z²/2 − log √(2π) + log1p(−w)};
 *   <li>{@code z ≤ −10}: {@code 1 − w} from its asymptotic series {@code Σ_{k≥1} (−1)^{k+1}
 *       (2k−1)!! z^{−2k}}, so {@code log h = −z²/2 − log √(2π) − 2 log|z| + log(1 − 3/z² + 15/z⁴ −
 *       …)}: finite down to {@code z ≈ −10^154}, where {@code z²} overflows.
 * </ul>
 *
 * <p><b>Normal probabilities.</b> {@code log Φ(t)} is {@code log1p(−Φ(−t))} for {@code t > 0} (no
 * rounding to {@code log 1 = 0} too early), {@code log(Φ(t))} for {@code −1 ≤ t ≤ 0}, and {@code
 * log(erfcx(−t/√2)/2) − t²/2} below, which stays finite where {@code Φ(t)} underflows.
 *
 * @implNote stateless and thread-safe.
 */
public final class LogAcquisition {
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
  private static final double SQRT2 = Math.sqrt(2);
  private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

  /** Where {@link #erfcx} switches from {@code e^{x²} erfc(x)} to its asymptotic series. */
  static final double ERFCX_SERIES_FROM = 7;

  /** Where {@link #logH} switches to the asymptotic series for {@code 1 − w}. */
  static final double LOG_H_SERIES_BELOW = -10;

  private LogAcquisition() {}

  /**
   * {@code log EI} for a posterior {@code N(mean, std²)} and incumbent {@code best}, larger being
   * better; {@code log(max(mean − best, 0))} when {@code std} is 0.
   */
  public static double logExpectedImprovement(double mean, double std, double best) {
    if (!(std > 0)) {
      return mean > best ? Math.log(mean - best) : Double.NEGATIVE_INFINITY;
    }
    return Math.log(std) + logH((mean - best) / std);
  }

  /** {@code log(φ(z) + zΦ(z))}, the log of expected improvement of a standard normal over −z. */
  public static double logH(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    if (z > -1) {
      return Math.log(density(z) + z * cdf(z));
    }
    double logDensity = -0.5 * z * z - LOG_SQRT_2PI;
    if (z > LOG_H_SERIES_BELOW) {
      double a = -z;
      return logDensity + Math.log1p(-a * SQRT_HALF_PI * erfcx(a / SQRT2));
    }
    return logDensity + logOneMinusWSeries(z);
  }

  /** {@code log(1 − w(z))} by the asymptotic series, for {@code z ≤ −10}. */
  static double logOneMinusWSeries(double z) {
    double inv = 1 / (z * z);
    // 1 − w = inv · (1 − 3 inv + 15 inv² − 105 inv³ + …); at |z| ≥ 10 the terms shrink by at
    // least 100/(2k+1) each, so a dozen terms reach double precision.
    double sum = 1;
    double term = 1;
    for (int k = 1; k < 30; k++) {
      term *= -(2 * k + 1) * inv;
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
        break;
      }
    }
    return Math.log(inv) + Math.log(sum);
  }

  /** {@code log Φ(t)}, finite for any finite {@code t} (about {@code −t²/2} far below 0). */
  public static double logCdf(double t) {
    if (Double.isNaN(t)) {
      return Double.NaN;
    }
    if (t == Double.POSITIVE_INFINITY) {
      return 0;
    }
    if (t == Double.NEGATIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    if (t > 0) {
      return Math.log1p(-0.5 * Erf.erfc(t / SQRT2));
    }
    if (t >= -1) {
      return Math.log(0.5 * Erf.erfc(-t / SQRT2));
    }
    return Math.log(0.5 * erfcx(-t / SQRT2)) - 0.5 * t * t;
  }

  /**
   * {@code log P(lo ≤ X ≤ hi)} for {@code X ~ N(mean, std²)}; an absent bound is an infinite one.
   * Accurate in both tails (the interval is mirrored to the lower tail, where {@code log Φ} has its
   * precision).
   */
  public static double logProbabilityBetween(double mean, double std, double lo, double hi) {
    if (!(std > 0)) {
      return mean >= lo && mean <= hi ? 0 : Double.NEGATIVE_INFINITY;
    }
    double a = (lo - mean) / std;
    double b = (hi - mean) / std;
    if (!(a < b)) {
      return Double.NEGATIVE_INFINITY;
    }
    if (a == Double.NEGATIVE_INFINITY) {
      return logCdf(b);
    }
    if (b == Double.POSITIVE_INFINITY) {
      return logCdf(-a);
    }
    if (a > 0) {
      // Both bounds in the upper tail: P(a ≤ Z ≤ b) = P(−b ≤ Z ≤ −a).
      double t = -b;
      b = -a;
      a = t;
    }
    double logB = logCdf(b);
    return logB + log1mexp(logCdf(a) - logB);
  }

  /** {@code log(1 − e^x)} for {@code x ≤ 0}, accurate near 0 and far below it. */
  static double log1mexp(double x) {
    if (x > 0) {
      return Double.NaN;
    }
    return x > -Math.log(2) ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
  }

  /**
   * {@code erfcx(x) = e^{x²} erfc(x)} for {@code x ≥ 0}: {@code e^{x²} erfc(x)} up to {@value
   * #ERFCX_SERIES_FROM} (erfc(7) is 4e-23, far from underflow, e^49 far from overflow), the
   * asymptotic series {@code (1/(x√π)) Σ_k (−1)^k (2k−1)!!/(2x²)^k} beyond (relative error below
   * 1e-16 after at most 30 terms).
   */
  static double erfcx(double x) {
    if (x < 0) {
      throw new IllegalArgumentException("erfcx is implemented for x >= 0, got " + x);
    }
    if (x < ERFCX_SERIES_FROM) {
      return Math.exp(x * x) * Erf.erfc(x);
    }
    double inv = 1 / (2 * x * x);
    double sum = 1;
    double term = 1;
    for (int k = 1; k < 30; k++) {
      term *= -(2 * k - 1) * inv;
      sum += term;
      if (Math.abs(term) < 1e-17) {
        break;
      }
    }
    return INV_SQRT_PI / x * sum;
  }

  /** The standard normal density. */
  static double density(double z) {
    return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
  }

  /** The standard normal distribution function. */
  static double cdf(double z) {
    return 0.5 * Erf.erfc(-z / SQRT2);
  }
}
