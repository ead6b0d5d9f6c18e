package io.infertune.api;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.http.LaunchProfile;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Objects;

/**
 * The configuration in force as an info metric, {@code
 * infertune_runtime_config_info{batch_size="16", quantization="int8",...} 1}, as vLLM publishes
 * {@code vllm:cache_config_info}: whoever pushed flags reads back what the process runs (the {@code
 * infertune-runtime} launch profile's effective configuration check does).
 *
 * @implNote thread-safe: each scrape reads the runtime's current configuration.
 */
final class RuntimeConfigInfo implements Collector {
  static final String NAME = "infertune_runtime_config";

  private final EmbeddedRuntime runtime;

  RuntimeConfigInfo(EmbeddedRuntime runtime) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
  }

  @Override
  public MetricSnapshot collect() {
    Labels.Builder labels = Labels.builder();
    runtime
        .current()
        .values()
        .forEach((knob, value) -> labels.label(knob, LaunchProfile.text(value)));
    return InfoSnapshot.builder()
        .name(NAME)
        .help("The configuration the embedded runtime runs, one label per knob")
        .dataPoint(InfoDataPointSnapshot.builder().labels(labels.build()).build())
        .build();
  }
}
