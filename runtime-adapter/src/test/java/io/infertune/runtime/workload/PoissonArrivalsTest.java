package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Exponential gaps: mean 1/rate and variance 1/rate^2, over fixed seeds. */
class PoissonArrivalsTest {
  private static final int GAPS = 20_000;

  @Test
  void gapsHaveTheMeanAndVarianceOfAnExponential() {
    for (double rate : new double[] {5, 250, 20_000}) {
      double mean = 1e9 / rate;
      for (long seed = 1; seed <= 10; seed++) {
        PoissonArrivals arrivals = PoissonArrivals.seeded(rate, seed);
        double sum = 0;
        double sumSq = 0;
        long below = 0;
        for (int i = 0; i < GAPS; i++) {
          long g = arrivals.nextGapNanos();
          assertThat(g).isNotNegative();
          sum += g;
          sumSq += (double) g * g;
          if (g < mean) {
            below++;
          }
        }
        double m = sum / GAPS;
        double var = sumSq / GAPS - m * m;
        String what = "rate " + rate + " seed " + seed;
        // Standard error of the mean: 0.7 % of it; of the variance: about 2 % of it.
        assertThat(m / mean).as(what + " mean").isBetween(0.97, 1.03);
        assertThat(var / (mean * mean)).as(what + " variance").isBetween(0.9, 1.1);
        // P(gap < mean) = 1 - 1/e for an exponential.
        assertThat((double) below / GAPS).as(what + " median side").isBetween(0.612, 0.652);
      }
    }
  }

  @Test
  void rejectsANonPositiveRate() {
    assertThatThrownBy(() -> PoissonArrivals.seeded(0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
