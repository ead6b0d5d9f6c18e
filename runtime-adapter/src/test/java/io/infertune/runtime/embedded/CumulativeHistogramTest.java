package io.infertune.runtime.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.HistogramSnapshot;
import org.junit.jupiter.api.Test;

class CumulativeHistogramTest {
  @Test
  void countsAValueInTheFirstBucketWhoseBoundIsAtLeastIt() {
    CumulativeHistogram h = new CumulativeHistogram(new double[] {1, 2, 4});
    h.record(1);
    h.record(1.5);
    h.record(4);
    h.record(100);
    HistogramSnapshot s = h.snapshot();
    assertThat(s.upperBounds()).containsExactly(1, 2, 4, Double.POSITIVE_INFINITY);
    assertThat(s.cumulativeCounts()).containsExactly(1, 2, 3, 4);
    assertThat(s.sum()).isEqualTo(106.5);
  }

  @Test
  void latencyBucketsAreTenPercentApartFromATenthOfAMillisecondToAMinute() {
    double[] b = RuntimeMetrics.LATENCY_BOUNDS_SECONDS;
    assertThat(b[0]).isEqualTo(1e-4);
    assertThat(b[b.length - 1]).isGreaterThanOrEqualTo(60).isLessThan(66);
    for (int i = 1; i < b.length; i++) {
      assertThat(b[i] / b[i - 1]).isBetween(1.099, 1.101);
    }
  }

  @Test
  void integerBucketsHoldOneValueEach() {
    assertThat(CumulativeHistogram.integerBounds(4)).containsExactly(1, 2, 3, 4);
  }
}
