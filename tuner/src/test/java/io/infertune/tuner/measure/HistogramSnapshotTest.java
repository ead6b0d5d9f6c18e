package io.infertune.tuner.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HistogramSnapshotTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void quantileInterpolatesWithinTheBucketAsPrometheusDoes() {
    // 100 observations: 50 in (0, 0.1], 40 in (0.1, 0.5], 10 in (0.5, 1].
    HistogramSnapshot h =
        new HistogramSnapshot(new double[] {0.1, 0.5, 1, INF}, new long[] {50, 90, 100, 100}, 30);
    assertThat(h.quantile(0.5)).isCloseTo(0.1, within(1e-12));
    // rank 70 is 20 of the 40 in (0.1, 0.5]: halfway.
    assertThat(h.quantile(0.7)).isCloseTo(0.3, within(1e-12));
    assertThat(h.quantile(0.95)).isCloseTo(0.75, within(1e-12));
    assertThat(h.mean()).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void quantileInTheInfBucketIsTheHighestFiniteBound() {
    HistogramSnapshot h =
        new HistogramSnapshot(new double[] {1, 2, INF}, new long[] {0, 1, 10}, 50);
    assertThat(h.quantile(0.99)).isEqualTo(2);
    assertThat(new HistogramSnapshot(new double[] {1, INF}, new long[] {0, 0}, 0).quantile(0.5))
        .isNaN();
  }

  @Test
  void minusGivesTheWindowAndTreatsAResetAsAllNew() {
    HistogramSnapshot a = new HistogramSnapshot(new double[] {1, INF}, new long[] {5, 6}, 4);
    HistogramSnapshot b = new HistogramSnapshot(new double[] {1, INF}, new long[] {8, 12}, 10);
    HistogramSnapshot d = b.minus(a);
    assertThat(d.cumulativeCounts()).containsExactly(3, 6);
    assertThat(d.sum()).isEqualTo(6);
    HistogramSnapshot reset = new HistogramSnapshot(new double[] {1, INF}, new long[] {1, 2}, 1);
    assertThat(reset.minus(b)).isEqualTo(reset);
  }
}
