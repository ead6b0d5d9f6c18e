package io.infertune.runtime.workload;

import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Ranks {@code 1..n} drawn with probability proportional to {@code 1 / rank^exponent}: a few inputs
 * are very popular and most are rare, as in real traffic. Exponent 0 is uniform.
 *
 * <p>Sampling is O(1) (Commons Math's rejection-inversion sampler), so {@code n} may be large.
 *
 * @implNote not thread-safe: give each thread a sampler of its own.
 */
public final class ZipfSampler {
  private final int n;
  private final double exponent;
  private final RandomGenerator random;
  private final ZipfDistribution zipf;

  /**
   * @param random the source of randomness, used by this sampler alone
   */
  public ZipfSampler(int n, double exponent, RandomGenerator random) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("exponent must be finite and >= 0, got " + exponent);
    }
    this.n = n;
    this.exponent = exponent;
    this.random = random;
    this.zipf = exponent > 0 ? new ZipfDistribution(random, n, exponent) : null;
  }

  /** A sampler on its own seeded generator. */
  public static ZipfSampler seeded(int n, double exponent, long seed) {
    return new ZipfSampler(n, exponent, new Well19937c(seed));
  }

  /** The next rank, in {@code [1, n]}. */
  public int next() {
    return zipf == null ? random.nextInt(n) + 1 : zipf.sample();
  }

  /** The probability of rank {@code k}: {@code k^-s / H(n, s)}. */
  public double probability(int k) {
    if (k < 1 || k > n) {
      return 0;
    }
    if (exponent == 0) {
      return 1.0 / n;
    }
    double h = 0;
    for (int i = n; i >= 1; i--) {
      h += Math.pow(i, -exponent);
    }
    return Math.pow(k, -exponent) / h;
  }

  public int n() {
    return n;
  }

  public double exponent() {
    return exponent;
  }
}
