package io.infertune.strategies;

import io.jenetics.DoubleGene;
import io.jenetics.Mutator;
import java.util.random.RandomGenerator;

/**
 * Mutates a gene of the unit interval locally: a Gaussian step of {@code sigma} around the current
 * value, reflected at the ends, or (with probability {@code reset}) a fresh uniform value.
 *
 * <p>Jenetics' own {@code GaussianMutator} (8.3) draws around the centre of the gene's range, not
 * around its current value: a new random value, not a local move. The local step is what refines a
 * good configuration; the occasional reset keeps categorical genes (one cell per value) able to
 * jump to any value.
 *
 * @implNote immutable and thread-safe, as Jenetics alterers are.
 */
final class UnitMutator<C extends Comparable<? super C>> extends Mutator<DoubleGene, C> {
  private final double sigma;
  private final double reset;

  /**
   * @param probability that a gene mutates
   * @param sigma the standard deviation of a local step, as a fraction of the unit interval
   * @param reset the probability that a mutation draws a fresh uniform value instead
   */
  UnitMutator(double probability, double sigma, double reset) {
    super(probability);
    if (!(sigma > 0) || !(reset >= 0 && reset <= 1)) {
      throw new IllegalArgumentException("sigma must be > 0 and reset in [0, 1]");
    }
    this.sigma = sigma;
    this.reset = reset;
  }

  @Override
  protected DoubleGene mutate(DoubleGene gene, RandomGenerator random) {
    double v =
        random.nextDouble() < reset
            ? random.nextDouble()
            : reflect(gene.doubleValue() + sigma * random.nextGaussian());
    return gene.newInstance(v);
  }

  /** Folds {@code v} into {@code [0, 1)} by reflection at the ends. */
  static double reflect(double v) {
    double x = Math.abs(v) % 2;
    x = x > 1 ? 2 - x : x;
    return Math.min(x, Math.nextDown(1.0));
  }
}
