package io.infertune.tuner.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TrendTest {
  @Test
  void aCleanLineHasItsSlopeAndIsSignificant() {
    Trend t = Trend.of(new double[] {10, 12, 14, 16, 18}).orElseThrow();
    assertThat(t.slope()).isCloseTo(2, within(1e-12));
    assertThat(t.standardError()).isCloseTo(0, within(1e-12));
    assertThat(t.relativeChange()).isCloseTo(8.0 / 14, within(1e-12));
    assertThat(t.significant(0.95)).isTrue();
  }

  @Test
  void aLevelIsNeverSignificantAndFewerThanThreeValuesHaveNoTrend() {
    assertThat(Trend.of(new double[] {5, 5, 5}).orElseThrow().significant(0.99)).isFalse();
    assertThat(Trend.of(new double[] {1, 2})).isEmpty();
  }

  @Test
  void pureNoiseIsSignificantAboutAsOftenAsTheLevelAllows() {
    // 400 series of 8 standard normal values: a 95 % test flags about 5 % of them.
    Random random = new Random(42);
    int flagged = 0;
    for (int i = 0; i < 400; i++) {
      double[] v = new double[8];
      for (int j = 0; j < v.length; j++) {
        v[j] = 100 + random.nextGaussian();
      }
      flagged += Trend.of(v).orElseThrow().significant(0.95) ? 1 : 0;
    }
    assertThat(flagged).isBetween(8, 36);
  }

  @Test
  void aRampUnderNoiseIsFoundOnceItOutgrowsTheNoise() {
    Random random = new Random(7);
    int found = 0;
    for (int i = 0; i < 100; i++) {
      double[] v = new double[8];
      for (int j = 0; j < v.length; j++) {
        v[j] = 100 + 3 * j + random.nextGaussian() * 3;
      }
      found += Trend.of(v).orElseThrow().significant(0.95) ? 1 : 0;
    }
    assertThat(found).isGreaterThan(90);
  }
}
