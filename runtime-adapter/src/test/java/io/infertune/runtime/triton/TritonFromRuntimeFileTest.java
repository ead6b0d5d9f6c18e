package io.infertune.runtime.triton;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.runtime.catalog.RuntimeFile;
import io.infertune.runtime.http.LaunchProfiles;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A {@code triton} entry of a runtimes file, opened against the stand-in Triton server. */
class TritonFromRuntimeFileTest {
  private static final String CONFIG =
      """
      {"name": "bert", "backend": "onnxruntime", "max_batch_size": 8,
       "input": [{"name": "TEXT", "data_type": "TYPE_STRING", "dims": [1]}],
       "output": [{"name": "EMBEDDING", "data_type": "TYPE_FP32", "dims": [1]}],
       "dynamic_batching": {},
       "instance_group": [{"count": 1, "kind": "KIND_CPU"}]}
      """;

  @Test
  void theFileSettingsShapeTheKnobsAndAnApplyReloadsTheModel() throws Exception {
    try (TritonStandIn server = TritonStandIn.builder().model("bert", CONFIG, true).start()) {
      String yaml =
          """
          runtimes:
            - kind: triton
              id: triton-bert
              url: %s
              metricsUrl: %s
              model: bert
              maxBatchSizes: [1, 4, 16]
              maxInstances: 2
              instanceKinds: [KIND_CPU]
              readyTimeoutSeconds: 30
          """
              .formatted(server.url(), server.metricsUrl());
      var defs =
          RuntimeFile.read(
              new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
              "runtimes.yaml",
              LaunchProfiles.builtIn(),
              LaunchProfiles.defaultFacts());
      List<RuntimeAdapter> opened = RuntimeFile.open(defs, Map.of(), Ticker.system());
      try (RuntimeAdapter triton = opened.get(0)) {
        assertThat(triton.id()).isEqualTo("triton-bert");
        assertThat(triton.kind()).isEqualTo("triton");
        Parameter sizes = triton.knobs().get(TritonRuntimeAdapter.MAX_BATCH_SIZE);
        assertThat(sizes.gridValues(10))
            .as("the file's sizes and the model's own")
            .containsExactly(1L, 4L, 8L, 16L);
        assertThat(triton.knobs().get(TritonRuntimeAdapter.INSTANCE_KIND).gridValues(10))
            .containsExactly("KIND_CPU");
        triton.apply(Configuration.of(TritonRuntimeAdapter.MAX_BATCH_SIZE, 16));
        assertThat(triton.current().get(TritonRuntimeAdapter.MAX_BATCH_SIZE)).isEqualTo(16L);
        assertThat(server.loadBodies().getLast()).contains("max_batch_size\\\":16");
      }
    }
  }
}
