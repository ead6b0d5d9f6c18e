package io.infertune.runtime.workload;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * The gaps between arrivals of a Poisson process: independent exponential times with mean {@code 1
 * / ratePerSecond}, drawn by inversion.
 *
 * @implNote not thread-safe.
 */
public final class PoissonArrivals {
  private final double meanGapNanos;
  private final RandomGenerator random;

  /**
   * @param random the source of randomness, used by this process alone
   */
  public PoissonArrivals(double ratePerSecond, RandomGenerator random) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be positive and finite, got " + ratePerSecond);
    }
    this.meanGapNanos = 1e9 / ratePerSecond;
    this.random = random;
  }

  /** A process on its own seeded generator. */
  public static PoissonArrivals seeded(double ratePerSecond, long seed) {
    return new PoissonArrivals(ratePerSecond, new Well19937c(seed));
  }

  /** Nanoseconds until the next arrival (at least 0). */
  public long nextGapNanos() {
    // nextDouble() is in [0, 1): 1 - u is in (0, 1], so the logarithm is finite.
    return Math.round(-Math.log1p(-random.nextDouble()) * meanGapNanos);
  }

  /** The mean gap in nanoseconds. */
  public double meanGapNanos() {
    return meanGapNanos;
  }
}
