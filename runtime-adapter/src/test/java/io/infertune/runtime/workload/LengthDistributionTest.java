package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.function.IntSupplier;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class LengthDistributionTest {
  private static final int SEEDS = 20;
  private static final int N = 5000;

  private static int[] draw(LengthDistribution d, long seed) {
    IntSupplier s = d.sampler(new Well19937c(seed));
    int[] out = new int[N];
    for (int i = 0; i < N; i++) {
      out[i] = s.getAsInt();
    }
    return out;
  }

  @Test
  void fixedAlwaysGivesItsLength() {
    assertThat(draw(LengthDistribution.fixed(128), 1)).containsOnly(128);
    assertThat(draw(LengthDistribution.fixed(0), 1)).containsOnly(0);
  }

  @Test
  void uniformLengthsFillTheirRangeEvenlyOverManySeeds() {
    LengthDistribution d = LengthDistribution.uniform(32, 511);
    for (long seed = 1; seed <= SEEDS; seed++) {
      int[] x = draw(d, seed);
      assertThat(Arrays.stream(x).min().orElseThrow()).isGreaterThanOrEqualTo(32);
      assertThat(Arrays.stream(x).max().orElseThrow()).isLessThanOrEqualTo(511);
      // Ten bins of 48 lengths each: a chi-square test must not reject evenness at 0.1 %.
      long[] bins = new long[10];
      for (int v : x) {
        bins[(v - 32) / 48]++;
      }
      double[] expected = new double[10];
      Arrays.fill(expected, N / 10.0);
      assertThat(new ChiSquareTest().chiSquareTest(expected, bins, 0.001))
          .as("seed %d: %s", seed, Arrays.toString(bins))
          .isFalse();
    }
  }

  @Test
  void logNormalLengthsHaveTheirMedianAndLogSpreadOverManySeeds() {
    LengthDistribution d = LengthDistribution.logNormal(200, 0.8, 1_000_000);
    for (long seed = 1; seed <= SEEDS; seed++) {
      int[] x = draw(d, seed);
      DescriptiveStatistics lengths = new DescriptiveStatistics();
      DescriptiveStatistics logs = new DescriptiveStatistics();
      for (int v : x) {
        lengths.addValue(v);
        logs.addValue(Math.log(v));
      }
      // Standard errors at n = 5000: about 1.4 % for the median, 1 % for the log spread.
      assertThat(lengths.getPercentile(50)).as("seed %d", seed).isBetween(188.0, 212.0);
      assertThat(logs.getStandardDeviation()).as("seed %d", seed).isBetween(0.76, 0.84);
      assertThat(lengths.getMean()).as("seed %d", seed).isBetween(0.92 * d.mean(), 1.08 * d.mean());
      assertThat(Arrays.stream(x).min().orElseThrow()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void logNormalLengthsBeyondTheMaximumAreClampedToIt() {
    LengthDistribution d = new LengthDistribution.LogNormal(200, 0.8, 50, 300);
    // P(X > 300) = 1 - Phi(ln 1.5 / 0.8) = 0.306; P(X < 50) = Phi(ln 0.25 / 0.8) = 0.042.
    for (long seed = 1; seed <= SEEDS; seed++) {
      int[] x = draw(d, seed);
      assertThat(Arrays.stream(x).min().orElseThrow()).isEqualTo(50);
      assertThat(Arrays.stream(x).max().orElseThrow()).isEqualTo(300);
      double atMax = Arrays.stream(x).filter(v -> v == 300).count() / (double) N;
      double atMin = Arrays.stream(x).filter(v -> v == 50).count() / (double) N;
      assertThat(atMax).as("seed %d", seed).isBetween(0.28, 0.335);
      assertThat(atMin).as("seed %d", seed).isBetween(0.03, 0.055);
    }
  }

  @Test
  void theWrittenFormReadsBack() {
    for (LengthDistribution d :
        new LengthDistribution[] {
          LengthDistribution.fixed(64),
          LengthDistribution.uniform(1, 2048),
          new LengthDistribution.LogNormal(350.5, 1.1, 4, 8192)
        }) {
      assertThat(LengthDistribution.parse(d.toString())).isEqualTo(d);
    }
    assertThat(LengthDistribution.parse("256")).isEqualTo(LengthDistribution.fixed(256));
    assertThat(LengthDistribution.parse(" Uniform: 10 - 20 "))
        .isEqualTo(LengthDistribution.uniform(10, 20));
    assertThat(LengthDistribution.parse("lognormal:median=100,sigma=0.5"))
        .isEqualTo(new LengthDistribution.LogNormal(100, 0.5, 1, 1 << 20));
  }

  @Test
  void badFormsAndValuesAreRejectedWithTheReason() {
    assertThatThrownBy(() -> LengthDistribution.parse("normal:3"))
        .hasMessageContaining("is not one of");
    assertThatThrownBy(() -> LengthDistribution.parse("uniform:20-10"))
        .hasMessageContaining("min <= max");
    assertThatThrownBy(() -> LengthDistribution.parse("lognormal:median=100"))
        .hasMessageContaining("sigma");
    assertThatThrownBy(() -> LengthDistribution.parse("lognormal:median=100,sigma=1,mode=3"))
        .hasMessageContaining("unknown parameter 'mode'");
    assertThatThrownBy(() -> LengthDistribution.parse("fixed:x")).hasMessageContaining("fixed:x");
    assertThatThrownBy(() -> LengthDistribution.fixed(-1)).hasMessageContaining(">= 0");
  }
}
