package io.infertune.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON lines {@link OptunaStrategy} exchanges with the bridge; needs no Python. */
class OptunaBridgeMessagesTest {
  @Test
  void repliesAreReadWithIntegersAsLongsAndStringsUnescaped() {
    Map<String, Object> reply =
        OptunaStrategy.decode(
            "{\"ok\": true, \"number\": 3, \"params\": {\"x\": 0.5, \"b\": 64, \"q\": \"int8\"},"
                + " \"s\": \"a\\\"b\\u00e9\"}");
    assertThat(reply.get("number")).isEqualTo(3L);
    assertThat(reply.get("params")).isEqualTo(Map.of("x", 0.5, "b", 64L, "q", "int8"));
    assertThat(reply.get("s")).isEqualTo("a\"bé");
  }

  @Test
  void aRefusalOrAMalformedReplyFailsWithWhatTheBridgeSaid() {
    assertThatThrownBy(() -> OptunaStrategy.decode("{\"ok\": false, \"error\": \"no study\"}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no study");
    assertThatThrownBy(() -> OptunaStrategy.decode("{\"ok\": true} x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("} x");
    assertThatThrownBy(() -> OptunaStrategy.decode("[1, 2]"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> OptunaStrategy.decode("null"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void requestsAreOneLineInInsertionOrderAndRejectNonFiniteNumbers() {
    Map<String, Object> tell = new LinkedHashMap<>();
    tell.put("cmd", "tell");
    tell.put("number", 7L);
    tell.put("value", 1.5);
    tell.put("constraints", List.of(-0.25, 2.0));
    assertThat(OptunaStrategy.encode(tell))
        .isEqualTo("{\"cmd\":\"tell\",\"number\":7,\"value\":1.5,\"constraints\":[-0.25,2.0]}");
    assertThat(OptunaStrategy.encode(Map.of("s", "a\nb"))).isEqualTo("{\"s\":\"a\\nb\"}");
    assertThatThrownBy(() -> OptunaStrategy.encode(Map.of("value", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> OptunaStrategy.encode(Map.of("constraints", List.of(Double.NEGATIVE_INFINITY))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSpaceIsDescribedAsTheBridgeExpects() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.ordinal("batch_size", 1, 4, 16),
            Parameter.integer("replicas", 1, 2),
            Parameter.categorical("quantization", "fp32", "int8"));
    assertThat(OptunaStrategy.encode(Map.of("space", OptunaStrategy.describe(space))))
        .isEqualTo(
            "{\"space\":["
                + "{\"name\":\"batch_size\",\"type\":\"categorical\",\"choices\":[1,4,16]},"
                + "{\"name\":\"replicas\",\"type\":\"int\",\"low\":1,\"high\":2,\"step\":1,"
                + "\"log\":false},"
                + "{\"name\":\"quantization\",\"type\":\"categorical\","
                + "\"choices\":[\"fp32\",\"int8\"]}]}");
  }
}
