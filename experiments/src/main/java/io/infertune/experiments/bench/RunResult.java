package io.infertune.experiments.bench;

import java.util.Objects;

/**
 * One run: one strategy on one landscape with one seed.
 *
 * @param bestSoFar the best noiseless objective value among the feasible trials up to and including
 *     trial {@code k} (index {@code k}, 0-based); {@code NaN} while no trial has been feasible
 * @param askNanos the wall time of each {@code ask(1)} call, in nanoseconds
 * @param failed trials that crashed
 * @param infeasible trials that violated a constraint
 */
public record RunResult(
    String strategy,
    String landscape,
    long seed,
    double[] bestSoFar,
    long[] askNanos,
    int failed,
    int infeasible) {
  public RunResult {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(landscape, "landscape");
    bestSoFar = bestSoFar.clone();
    askNanos = askNanos.clone();
  }

  /** The trials run (the budget, unless the strategy exhausted a finite space earlier). */
  public int trials() {
    return bestSoFar.length;
  }

  /** Best so far after {@code k} trials (1-based); {@code NaN} when none was feasible. */
  public double bestAfter(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1");
    }
    if (bestSoFar.length == 0) {
      return Double.NaN;
    }
    return bestSoFar[Math.min(k, bestSoFar.length) - 1];
  }

  @Override
  public double[] bestSoFar() {
    return bestSoFar.clone();
  }

  @Override
  public long[] askNanos() {
    return askNanos.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunResult r
        && strategy.equals(r.strategy)
        && landscape.equals(r.landscape)
        && seed == r.seed
        && java.util.Arrays.equals(bestSoFar, r.bestSoFar)
        && java.util.Arrays.equals(askNanos, r.askNanos)
        && failed == r.failed
        && infeasible == r.infeasible;
  }

  @Override
  public int hashCode() {
    return Objects.hash(strategy, landscape, seed, java.util.Arrays.hashCode(bestSoFar));
  }

  @Override
  public String toString() {
    return strategy + "/" + landscape + "/seed " + seed + ": " + trials() + " trials";
  }
}
