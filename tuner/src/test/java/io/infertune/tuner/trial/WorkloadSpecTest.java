package io.infertune.tuner.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadSpecTest {
  private static final WorkloadSpec BASE = WorkloadSpec.closedLoop(4, 1);

  @Test
  void tokenLengthsMakeTheWorkloadGenerative() {
    WorkloadSpec g = BASE.withTokens("lognormal:median=200,sigma=0.6", "uniform:16-256");
    assertThat(BASE.generative()).isFalse();
    assertThat(g.generative()).isTrue();
    assertThat(g.promptTokens()).hasValue("lognormal:median=200,sigma=0.6");
    assertThat(g.outputTokens()).hasValue("uniform:16-256");
    assertThat(g.concurrency()).isEqualTo(BASE.concurrency());
  }

  @Test
  void aLengthInNoKnownFormIsRefusedNamingItsField() {
    assertThatThrownBy(() -> BASE.withTokens("fixed:64", "normal:100"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("outputTokens must be fixed:N");
    assertThatThrownBy(() -> BASE.withTokens("fixed:", "128"))
        .hasMessageStartingWith("promptTokens must be fixed:N");
  }

  @Test
  void promptAndOutputLengthsGoTogether() {
    assertThatThrownBy(
            () ->
                new WorkloadSpec(
                    WorkloadSpec.Mode.CLOSED_LOOP,
                    4,
                    100,
                    2000,
                    1.0,
                    1,
                    Optional.of("fixed:64"),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("promptTokens needs outputTokens too");
  }
}
