package io.infertune.tuner.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromotionPolicyTest {
  private static final Duration S = Duration.ofSeconds(1);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          one round per arm         | roundsPerArm
          too many rounds           | roundsPerArm
          zero round window         | roundWindow
          alpha zero                | alpha
          alpha above one half      | alpha
          margin of 100 %           | minRelativeImprovement
          negative watch            | watch
          watch over a day          | watch
          zero watch interval       | watchInterval
          interval longer than watch| watchInterval
          """)
  void refusesValuesOutsideTheirRangeNamingThem(String what, String field) {
    Supplier<PromotionPolicy> make =
        switch (what.trim()) {
          case "one round per arm" -> () -> new PromotionPolicy(1, Optional.empty(), 0.05, 0, S, S);
          case "too many rounds" -> () -> new PromotionPolicy(51, Optional.empty(), 0.05, 0, S, S);
          case "zero round window" ->
              () -> new PromotionPolicy(5, Optional.of(Duration.ZERO), 0.05, 0, S, S);
          case "alpha zero" -> () -> new PromotionPolicy(5, Optional.empty(), 0, 0, S, S);
          case "alpha above one half" ->
              () -> new PromotionPolicy(5, Optional.empty(), 0.6, 0, S, S);
          case "margin of 100 %" -> () -> new PromotionPolicy(5, Optional.empty(), 0.05, 1, S, S);
          case "negative watch" ->
              () -> new PromotionPolicy(5, Optional.empty(), 0.05, 0, S.negated(), S);
          case "watch over a day" ->
              () -> new PromotionPolicy(5, Optional.empty(), 0.05, 0, Duration.ofHours(25), S);
          case "zero watch interval" ->
              () -> new PromotionPolicy(5, Optional.empty(), 0.05, 0, S, Duration.ZERO);
          case "interval longer than watch" ->
              () -> new PromotionPolicy(5, Optional.empty(), 0.05, 0, S, S.multipliedBy(2));
          default -> throw new AssertionError(what);
        };
    assertThatThrownBy(make::get)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " must");
  }

  @org.junit.jupiter.api.Test
  void aZeroWatchTakesAnyIntervalAndCampaignSpecsDefaultToTheDefaultPolicy() {
    assertThat(PromotionPolicy.DEFAULT.withWatch(Duration.ZERO, Duration.ofMinutes(5)).watch())
        .isZero();
    assertThat(io.infertune.tuner.testkit.TrialStoreContract.spec().promotion())
        .isEqualTo(PromotionPolicy.DEFAULT);
    assertThat(PromotionPolicy.DEFAULT.roundsPerArm()).isEqualTo(5);
    assertThat(PromotionPolicy.DEFAULT.alpha()).isEqualTo(0.05);
  }
}
