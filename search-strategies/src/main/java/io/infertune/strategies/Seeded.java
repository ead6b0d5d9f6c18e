package io.infertune.strategies;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** The one source of randomness of the strategies: a specified algorithm, seeded explicitly. */
final class Seeded {
  private Seeded() {}

  /**
   * A fresh generator for {@code seed}; not thread-safe, like the strategies that own it.
   *
   * <p>{@link SplittableRandom}, not {@code RandomGenerator.getDefault()}: its algorithm
   * (SplitMix64) is specified, so a seed gives the same sequence on every JDK and campaigns can be
   * replayed and compared across versions; and it lives in {@code java.base}, where the LXM
   * generators need the {@code jdk.random} module on Java 21, which a trimmed runtime image may
   * lack.
   */
  static RandomGenerator random(long seed) {
    return new SplittableRandom(seed);
  }

  /** A point of {@code [0, 1)^dimension}, uniform. */
  static double[] unitPoint(RandomGenerator random, int dimension) {
    double[] u = new double[dimension];
    for (int i = 0; i < dimension; i++) {
      u[i] = random.nextDouble();
    }
    return u;
  }
}
