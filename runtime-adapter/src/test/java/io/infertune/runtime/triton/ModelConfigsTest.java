package io.infertune.runtime.triton;

import static io.infertune.runtime.triton.TritonRuntimeAdapter.DYNAMIC_BATCHING;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.INSTANCE_COUNT;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.INSTANCE_KIND;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.MAX_BATCH_SIZE;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.MAX_QUEUE_DELAY_US;
import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.runtime.embedded.JsonValue;
import io.infertune.tuner.space.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reading knobs from, and writing overrides of, a configuration as Triton reports it (Morpheus'
 * recorded {@code GET .../config}, see the resources' README).
 */
class ModelConfigsTest {
  private static JsonValue recorded() throws IOException {
    try (InputStream in =
        ModelConfigsTest.class.getResourceAsStream("phishing-bert-onnx-config.json")) {
      return JsonValue.parse(in);
    }
  }

  private static List<Long> numbers(JsonValue array) {
    return array.elements().stream().map(v -> v.asLong(-1)).toList();
  }

  @Test
  void theKnobsOfARecordedConfiguration() throws Exception {
    assertThat(ModelConfigs.knobsOf(recorded()))
        .isEqualTo(
            Configuration.of(
                MAX_BATCH_SIZE, 32,
                DYNAMIC_BATCHING, "on",
                MAX_QUEUE_DELAY_US, 50_000,
                INSTANCE_COUNT, 1,
                INSTANCE_KIND, "KIND_GPU"));
  }

  @Test
  void anOverrideChangesTheKnobsFieldsAndCopiesEveryOtherAsItWas() throws Exception {
    JsonValue before = recorded();
    Configuration knobs =
        Configuration.of(
            MAX_BATCH_SIZE, 32,
            DYNAMIC_BATCHING, "on",
            MAX_QUEUE_DELAY_US, 2000,
            INSTANCE_COUNT, 3,
            INSTANCE_KIND, "KIND_GPU");

    JsonValue after = TritonStandIn.parse(ModelConfigs.override(before, knobs, before));

    assertThat(after.members().keySet()).containsExactlyElementsOf(before.members().keySet());
    for (String field : before.members().keySet()) {
      if (!Set.of("dynamic_batching", "instance_group").contains(field)) {
        assertThat(json(after.path(field))).as(field).isEqualTo(json(before.path(field)));
      }
    }
    JsonValue batcher = after.path("dynamic_batching");
    assertThat(batcher.path("max_queue_delay_microseconds").asLong(-1)).isEqualTo(2000);
    // Set by the user (not Triton's [max_batch_size] default): kept.
    assertThat(numbers(batcher.path("preferred_batch_size")))
        .containsExactly(1L, 4L, 8L, 12L, 16L, 20L, 24L, 28L, 32L);
    assertThat(batcher.path("priority_queue_policy").isObject()).isTrue();
    JsonValue group = after.path("instance_group").path(0);
    assertThat(after.path("instance_group").elements()).hasSize(1);
    assertThat(group.path("count").asLong(-1)).isEqualTo(3);
    assertThat(group.path("name").asText("")).isEqualTo("phishing-bert-onnx");
    assertThat(numbers(group.path("gpus"))).containsExactly(0L);
    assertThat(group.path("host_policy").asText(null)).isEmpty();
  }

  @Test
  void movingInstancesToTheCpuDropsTheirGpusAndBatchingOffDropsTheBatcher() throws Exception {
    JsonValue before = recorded();
    Configuration knobs =
        Configuration.of(
            MAX_BATCH_SIZE,
            8,
            DYNAMIC_BATCHING,
            "off",
            INSTANCE_COUNT,
            2,
            INSTANCE_KIND,
            "KIND_CPU");

    JsonValue after = TritonStandIn.parse(ModelConfigs.override(before, knobs, before));

    assertThat(after.path("max_batch_size").asLong(-1)).isEqualTo(8);
    assertThat(after.has("dynamic_batching")).isFalse();
    JsonValue group = after.path("instance_group").path(0);
    assertThat(group.path("kind").asText("")).isEqualTo("KIND_CPU");
    assertThat(group.has("gpus")).isFalse();
  }

  @Test
  void thePreferredSizeTritonFillsInIsLeftOutSoThatItFollowsTheNewMaximum() {
    JsonValue normalised =
        TritonStandIn.parse(
            """
            {"name": "m", "max_batch_size": 8,
             "dynamic_batching": {"preferred_batch_size": [8], "max_queue_delay_microseconds": 0},
             "instance_group": [{"name": "m", "kind": "KIND_GPU", "count": 1, "gpus": [0]}]}
            """);
    Configuration knobs =
        Configuration.of(
            MAX_BATCH_SIZE, 2,
            DYNAMIC_BATCHING, "on",
            MAX_QUEUE_DELAY_US, 100,
            INSTANCE_COUNT, 1,
            INSTANCE_KIND, "KIND_GPU");

    JsonValue after = TritonStandIn.parse(ModelConfigs.override(normalised, knobs, normalised));

    assertThat(after.path("dynamic_batching").has("preferred_batch_size")).isFalse();
    assertThat(after.path("dynamic_batching").path("max_queue_delay_microseconds").asLong(-1))
        .isEqualTo(100);
  }

  @Test
  void batchingTurnedOnAgainTakesTheBatcherTheModelStartedWith() {
    JsonValue baseline =
        TritonStandIn.parse(
            """
            {"name": "m", "max_batch_size": 8,
             "dynamic_batching": {"preferred_batch_size": [8], "preserve_ordering": true},
             "instance_group": [{"kind": "KIND_GPU", "count": 1}]}
            """);
    JsonValue withoutBatcher =
        TritonStandIn.parse(
            """
            {"name": "m", "max_batch_size": 4, "instance_group": [{"kind": "KIND_GPU", "count": 1}]}
            """);
    Configuration knobs =
        Configuration.of(
            MAX_BATCH_SIZE, 4,
            DYNAMIC_BATCHING, "on",
            MAX_QUEUE_DELAY_US, 300,
            INSTANCE_COUNT, 1,
            INSTANCE_KIND, "KIND_GPU");

    JsonValue after = TritonStandIn.parse(ModelConfigs.override(withoutBatcher, knobs, baseline));

    JsonValue batcher = after.path("dynamic_batching");
    assertThat(batcher.path("preserve_ordering").asBoolean(false)).isTrue();
    assertThat(batcher.has("preferred_batch_size")).isFalse();
    assertThat(batcher.path("max_queue_delay_microseconds").asLong(-1)).isEqualTo(300);
  }

  @Test
  void integersWrittenAsStringsAsProtobufDoesAreRead() {
    JsonValue config =
        TritonStandIn.parse(
            """
            {"max_batch_size": 16, "dynamic_batching": {"max_queue_delay_microseconds": "250"},
             "instance_group": [{"kind": "KIND_CPU", "count": 2}]}
            """);

    assertThat(ModelConfigs.knobsOf(config).getLong(MAX_QUEUE_DELAY_US)).isEqualTo(250);
  }

  private static String json(JsonValue v) {
    return TritonClient.write(v::writeTo);
  }
}
