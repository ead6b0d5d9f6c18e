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

  @Test
  void aTraceReplacesTheDrawnLoadAndKeepsToItsOwnLengths() {
    WorkloadSpec t = BASE.withTrace("traces/monday.jsonl", 4);
    assertThat(t.trace()).hasValue("traces/monday.jsonl");
    assertThat(t.traceSpeedUp()).isEqualTo(4.0);
    assertThat(t.generative()).isFalse();
    assertThat(BASE.trace()).isEmpty();
    assertThat(BASE.traceSpeedUp()).isEqualTo(1.0);
    assertThat(BASE.withTokens("fixed:8", "fixed:8").withTrace("t.jsonl", 1).promptTokens())
        .as("withTrace drops the lengths")
        .isEmpty();
  }

  @Test
  void aBadTraceIsRefusedNamingItsField() {
    assertThatThrownBy(() -> BASE.withTrace(" ", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trace must name a file");
    assertThatThrownBy(() -> BASE.withTrace("t.jsonl", 0))
        .hasMessageStartingWith("traceSpeedUp must be in (0, 1000]");
    assertThatThrownBy(() -> BASE.withTrace("t.jsonl", 1).withTokens("fixed:8", "fixed:8"))
        .hasMessageStartingWith("trace: a trace has its own lengths");
  }
}
