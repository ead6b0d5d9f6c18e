package io.infertune.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {
  @Test
  void readsWhatTheBridgeWrites() {
    Object v =
        MiniJson.parse(
            "{\"ok\": true, \"number\": 3, \"params\": {\"x\": 0.5, \"b\": 64, \"q\": \"int8\"},"
                + " \"l\": [1, -2.5e-3, null, false], \"s\": \"a\\\"b\\u00e9\"}");
    assertThat(v)
        .isEqualTo(
            Map.of(
                "ok",
                true,
                "number",
                3L,
                "params",
                Map.of("x", 0.5, "b", 64L, "q", "int8"),
                "l",
                java.util.Arrays.asList(1L, -2.5e-3, MiniJson.NULL, false),
                "s",
                "a\"bé"));
  }

  @Test
  void writesWhatTheBridgeReads() {
    assertThat(MiniJson.write(Map.of("cmd", "tell", "value", 1.5)))
        .isIn("{\"cmd\":\"tell\",\"value\":1.5}", "{\"value\":1.5,\"cmd\":\"tell\"}");
    assertThat(MiniJson.write(List.of("a\nb", 2L, true))).isEqualTo("[\"a\\nb\",2,true]");
    assertThatThrownBy(() -> MiniJson.write(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MiniJson.parse("{\"a\": 1} x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
