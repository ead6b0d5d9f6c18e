package io.infertune.tuner.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DriftPolicyTest {
  @Test
  void invalidPoliciesAreRefusedWithTheFieldAndTheValue() {
    DriftPolicy p = DriftPolicy.DEFAULT;
    assertRefused(() -> p.withDelta(-0.1), "delta must be in [0, 10]", "-0.1");
    assertRefused(() -> p.withDelta(Double.NaN), "delta", "NaN");
    assertRefused(() -> p.withLambda(0), "lambda must be in (0, 1000]", "0.0");
    assertRefused(() -> p.withAlpha(0), "alpha must be in (0, 1]", "0.0");
    assertRefused(() -> p.withAlpha(1.5), "alpha", "1.5");
    assertRefused(() -> p.withMinSamples(1), "minSamples must be in [2, 100000]", "1");
    assertRefused(() -> p.withCooldownSamples(-1), "cooldownSamples", "-1");
    assertRefused(() -> p.withScaleFloor(2), "scaleFloor must be in [0, 1]", "2.0");
  }

  @Test
  void withersCopyAndTheDefaultIsValid() {
    DriftPolicy p = DriftPolicy.DEFAULT.withLambda(12).withMinSamples(50);
    assertThat(p.lambda()).isEqualTo(12);
    assertThat(p.minSamples()).isEqualTo(50);
    assertThat(p.delta()).isEqualTo(DriftPolicy.DEFAULT.delta());
    assertThat(DriftPolicy.DEFAULT.lambda()).isEqualTo(10);
  }

  @Test
  void eventsValidateThemselves() {
    assertThatThrownBy(
            () -> new DriftEvent(" ", DriftDirection.UP, java.time.Instant.EPOCH, 1, 2, 11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("series");
    assertThatThrownBy(
            () ->
                new DriftEvent("x", DriftDirection.UP, java.time.Instant.EPOCH, Double.NaN, 2, 11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
  }

  private static void assertRefused(Runnable r, String... fragments) {
    var thrown = assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class);
    for (String f : fragments) {
      thrown.hasMessageContaining(f);
    }
  }
}
