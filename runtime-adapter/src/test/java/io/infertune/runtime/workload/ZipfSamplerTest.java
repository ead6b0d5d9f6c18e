package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Statistical checks over fixed seeds, with tolerances of several standard errors. */
class ZipfSamplerTest {
  private static final int SAMPLES = 20_000;

  private static double harmonic(int n, double s) {
    double h = 0;
    for (int i = n; i >= 1; i--) {
      h += Math.pow(i, -s);
    }
    return h;
  }

  @Test
  void rankFrequenciesFollowTheTheoryForEverySeed() {
    int n = 1000;
    for (double s : new double[] {0.8, 1.0, 1.5}) {
      double p1 = 1 / harmonic(n, s);
      double p2 = Math.pow(2, -s) / harmonic(n, s);
      for (long seed = 1; seed <= 10; seed++) {
        ZipfSampler sampler = ZipfSampler.seeded(n, s, seed);
        int[] counts = new int[n + 1];
        for (int i = 0; i < SAMPLES; i++) {
          int k = sampler.next();
          assertThat(k).isBetween(1, n);
          counts[k]++;
        }
        assertFrequency(counts[1], p1, "s=" + s + " seed=" + seed + " rank 1");
        assertFrequency(counts[2], p2, "s=" + s + " seed=" + seed + " rank 2");
        assertThat(sampler.probability(1))
            .isCloseTo(p1, org.assertj.core.data.Offset.offset(1e-12));
      }
    }
  }

  @Test
  void exponentZeroIsUniform() {
    int n = 50;
    for (long seed = 1; seed <= 10; seed++) {
      ZipfSampler sampler = ZipfSampler.seeded(n, 0, seed);
      int[] counts = new int[n + 1];
      double sum = 0;
      for (int i = 0; i < SAMPLES; i++) {
        int k = sampler.next();
        counts[k]++;
        sum += k;
      }
      // Mean rank (n+1)/2; its standard error is sqrt((n^2-1)/12 / SAMPLES), about 0.1.
      assertThat(sum / SAMPLES).isBetween(25.5 - 0.6, 25.5 + 0.6);
      assertFrequency(counts[1], 1.0 / n, "seed=" + seed + " rank 1");
      assertFrequency(counts[n], 1.0 / n, "seed=" + seed + " rank n");
    }
  }

  @Test
  void theSameSeedGivesTheSameSequence() {
    ZipfSampler a = ZipfSampler.seeded(20_000, 1.0, 42);
    ZipfSampler b = ZipfSampler.seeded(20_000, 1.0, 42);
    for (int i = 0; i < 1000; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }

  @Test
  void rejectsBadParameters() {
    assertThatThrownBy(() -> ZipfSampler.seeded(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ZipfSampler.seeded(10, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Within 5 binomial standard errors of the expected count. */
  private static void assertFrequency(int count, double p, String what) {
    double sd = Math.sqrt(SAMPLES * p * (1 - p));
    assertThat((double) count).as(what).isBetween(SAMPLES * p - 5 * sd, SAMPLES * p + 5 * sd);
  }
}
