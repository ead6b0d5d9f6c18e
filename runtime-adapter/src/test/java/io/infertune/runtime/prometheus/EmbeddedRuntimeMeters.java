package io.infertune.runtime.prometheus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The meters of the embedded runtime's own process as {@code infertune-embedded.json} expects them,
 * in a real Micrometer {@link PrometheusMeterRegistry}: its {@link #scrape()} is a real exposition
 * page. The requests counter carries a model tag whose value needs every escape of the format.
 */
final class EmbeddedRuntimeMeters {
  /** A tag value with a backslash, quotes, a newline, braces, a comma and an equals sign. */
  static final String MODEL = "C:\\models\\\"mini\"\nv2 {q=int8,batch}";

  static final Duration[] LATENCY_SLOS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(20),
    Duration.ofMillis(50),
    Duration.ofMillis(100)
  };

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final Counter requests =
      Counter.builder("infertune.runtime.requests").tag("model", MODEL).register(registry);
  final Counter errors = Counter.builder("infertune.runtime.request.errors").register(registry);
  final Counter tokens = Counter.builder("infertune.runtime.tokens").register(registry);
  final Counter hits =
      Counter.builder("infertune.runtime.cache.gets").tag("result", "hit").register(registry);
  final Counter misses =
      Counter.builder("infertune.runtime.cache.gets").tag("result", "miss").register(registry);
  final Counter batches = Counter.builder("infertune.runtime.batches").register(registry);
  final Timer latency =
      Timer.builder("infertune.runtime.request.latency")
          .serviceLevelObjectives(LATENCY_SLOS)
          .register(registry);
  final DistributionSummary batchSize =
      DistributionSummary.builder("infertune.runtime.batch.size")
          .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
          .register(registry);

  /** Held strongly here: gauges keep only weak references to their state. */
  final AtomicReference<Double> accuracy = new AtomicReference<>(0.992);

  final AtomicLong cpuMillis = new AtomicLong();
  final AtomicLong residentBytes = new AtomicLong(300L * 1024 * 1024);

  EmbeddedRuntimeMeters() {
    Gauge.builder("infertune.runtime.accuracy", accuracy, AtomicReference::get).register(registry);
    FunctionCounter.builder("process.cpu", cpuMillis, ms -> ms.get() / 1000.0)
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("process.resident.memory", residentBytes, AtomicLong::get)
        .baseUnit("bytes")
        .register(registry);
  }

  /** {@code n} requests answered in {@code latency} each, in batches of {@code batch}. */
  void answered(int n, Duration latency, int batch, int tokensEach) {
    for (int i = 0; i < n; i++) {
      requests.increment();
      tokens.increment(tokensEach);
      this.latency.record(latency);
    }
    for (int i = 0; i < n / batch; i++) {
      batches.increment();
      batchSize.record(batch);
    }
  }

  String scrape() {
    return registry.scrape();
  }
}
