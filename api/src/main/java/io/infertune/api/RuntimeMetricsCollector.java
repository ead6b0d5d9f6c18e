package io.infertune.api;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of runtimes that live in this process (the embedded ONNX Runtime server), as
 * Prometheus series on the service's own {@code /metrics} page, under exactly the names the {@code
 * infertune-embedded} metric mapping reads, each labelled {@code runtime=<id>}:
 *
 * <ul>
 *   <li>counters {@code infertune_runtime_requests_total}, {@code _request_errors_total}, {@code
 *       _tokens_total}, {@code _batches_total}, {@code _cache_gets_total{result="hit"|"miss"}};
 *   <li>histograms {@code infertune_runtime_request_latency_seconds} and {@code
 *       infertune_runtime_batch_size}, with the runtime's own bucket bounds;
 *   <li>gauges {@code infertune_runtime_accuracy}, {@code _queue_depth}, {@code _cache_size};
 *   <li>{@code process_resident_memory_bytes}, unlabelled: in-process runtimes share the process.
 * </ul>
 *
 * <p>Process CPU time is left to Micrometer's {@code ProcessorMetrics} ({@code
 * process_cpu_time_ns_total}, which the mapping also reads), so that no series is written twice.
 *
 * <p>Why a Prometheus client collector and not Micrometer meters: the runtime already keeps
 * cumulative counters and fixed-bound histograms; each scrape reads one {@link MetricSnapshot} of
 * them, so the page shows the runtime's own latency buckets (10 % apart, 0.1 ms to 60 s) rather
 * than Micrometer's, and values that cannot drift from what the runtime's {@link MetricSource}
 * reports in process. A metric no runtime's snapshot has is left off the page.
 *
 * @implNote thread-safe: {@link #collect()} runs on whichever thread scrapes, and only samples the
 *     runtimes' thread-safe metric sources. Give it in-process runtimes only: a remote runtime's
 *     source would scrape over the network inside every scrape of ours.
 */
public final class RuntimeMetricsCollector implements MultiCollector {
  private static final Logger log = LoggerFactory.getLogger(RuntimeMetricsCollector.class);
  private static final String RUNTIME = "runtime";
  private static final String RESULT = "result";

  /** One series of a runtime's snapshot, and what it is called on the page. */
  private record Family(
      String source, MetricType type, String name, String help, Set<String> labelNames) {
    MetricFamilyDescriptor descriptor() {
      MetricMetadata m =
          name.endsWith("_seconds")
              ? new MetricMetadata(name, help, Unit.SECONDS)
              : name.endsWith("_bytes")
                  ? new MetricMetadata(name, help, Unit.BYTES)
                  : new MetricMetadata(name, help);
      return MetricFamilyDescriptor.of(type, m, labelNames);
    }
  }

  private static final Set<String> BY_RUNTIME = Set.of(RUNTIME);

  private static final List<Family> COUNTERS =
      List.of(
          new Family(
              Metrics.SOURCE_REQUESTS,
              MetricType.COUNTER,
              "infertune_runtime_requests",
              "Requests answered",
              BY_RUNTIME),
          new Family(
              Metrics.SOURCE_ERRORS,
              MetricType.COUNTER,
              "infertune_runtime_request_errors",
              "Requests failed",
              BY_RUNTIME),
          new Family(
              Metrics.SOURCE_TOKENS,
              MetricType.COUNTER,
              "infertune_runtime_tokens",
              "Input tokens of answered requests, special tokens included",
              BY_RUNTIME),
          new Family(
              EmbeddedRuntime.BATCHES_COUNTER,
              MetricType.COUNTER,
              "infertune_runtime_batches",
              "Inferences run",
              BY_RUNTIME));

  /** Hits and misses: one counter, as Micrometer's cache binders name cache gets. */
  private static final Family CACHE_GETS =
      new Family(
          "",
          MetricType.COUNTER,
          "infertune_runtime_cache_gets",
          "Result cache lookups by result; every request the cache did not answer is a miss",
          Set.of(RUNTIME, RESULT));

  private static final List<Family> HISTOGRAMS =
      List.of(
          new Family(
              Metrics.SOURCE_LATENCY_SECONDS,
              MetricType.HISTOGRAM,
              "infertune_runtime_request_latency_seconds",
              "Seconds from a request's arrival to its answer, queueing included",
              BY_RUNTIME),
          new Family(
              EmbeddedRuntime.BATCH_SIZE_HISTOGRAM,
              MetricType.HISTOGRAM,
              "infertune_runtime_batch_size",
              "Requests per inference",
              BY_RUNTIME));

  private static final List<Family> GAUGES =
      List.of(
          new Family(
              Metrics.SOURCE_ACCURACY,
              MetricType.GAUGE,
              "infertune_runtime_accuracy",
              "Mean cosine agreement of the active model variant with fp32 on the validation set",
              BY_RUNTIME),
          new Family(
              EmbeddedRuntime.QUEUE_DEPTH_GAUGE,
              MetricType.GAUGE,
              "infertune_runtime_queue_depth",
              "Requests waiting for a worker",
              BY_RUNTIME),
          new Family(
              EmbeddedRuntime.CACHE_SIZE_GAUGE,
              MetricType.GAUGE,
              "infertune_runtime_cache_size",
              "Entries in the result cache",
              BY_RUNTIME));

  private static final Family RESIDENT_MEMORY =
      new Family(
          Metrics.SOURCE_MEMORY_BYTES,
          MetricType.GAUGE,
          "process_resident_memory_bytes",
          "Resident memory of the process",
          Set.of());

  private final Map<String, MetricSource> runtimes;

  /**
   * A collector of the runtimes whose in-process metric sources {@code runtimes} holds by runtime
   * id (the {@code runtime} label's value).
   */
  public RuntimeMetricsCollector(Map<String, MetricSource> runtimes) {
    this.runtimes = Map.copyOf(runtimes);
  }

  @Override
  public MetricSnapshots collect() {
    List<Sampled> sampled = new ArrayList<>(runtimes.size());
    for (var r : runtimes.entrySet()) {
      try {
        sampled.add(new Sampled(Labels.of(RUNTIME, r.getKey()), r.getValue().sample()));
      } catch (MetricSourceException | RuntimeException e) {
        // One runtime that cannot be read must not cost the page the service's own metrics.
        log.warn("metrics of runtime {} left off /metrics: {}", r.getKey(), e.toString());
      }
    }
    MetricSnapshots.Builder page = MetricSnapshots.builder();
    for (Family f : COUNTERS) {
      CounterSnapshot.Builder b = counter(f);
      sampled.forEach(s -> counterPoint(b, s.snapshot.counter(f.source()), s.labels));
      addIfAny(page, b.build());
    }
    CounterSnapshot.Builder gets = counter(CACHE_GETS);
    for (Sampled s : sampled) {
      counterPoint(
          gets, s.snapshot.counter(Metrics.SOURCE_CACHE_HITS), s.labels.add(RESULT, "hit"));
      counterPoint(
          gets, s.snapshot.counter(Metrics.SOURCE_CACHE_MISSES), s.labels.add(RESULT, "miss"));
    }
    addIfAny(page, gets.build());
    for (Family f : HISTOGRAMS) {
      var b = io.prometheus.metrics.model.snapshots.HistogramSnapshot.builder();
      describe(b, f);
      for (Sampled s : sampled) {
        s.snapshot
            .histogram(f.source())
            .ifPresent(
                h ->
                    b.dataPoint(
                        HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(buckets(h))
                            .sum(h.sum())
                            .labels(s.labels)
                            .build()));
      }
      addIfAny(page, b.build());
    }
    for (Family f : GAUGES) {
      GaugeSnapshot.Builder b = gauge(f);
      sampled.forEach(s -> gaugePoint(b, s.snapshot.gauge(f.source()), s.labels));
      addIfAny(page, b.build());
    }
    GaugeSnapshot.Builder memory = gauge(RESIDENT_MEMORY);
    // Every in-process runtime measures the same process: the first one speaks for all.
    sampled.stream()
        .map(s -> s.snapshot.gauge(RESIDENT_MEMORY.source()))
        .filter(OptionalDouble::isPresent)
        .findFirst()
        .ifPresent(v -> gaugePoint(memory, v, Labels.EMPTY));
    addIfAny(page, memory.build());
    return page.build();
  }

  /**
   * What this collector writes, so that the registry refuses, at registration rather than at every
   * scrape, a second collector that would write the same series.
   */
  @Override
  public List<MetricFamilyDescriptor> getMetricFamilyDescriptors() {
    List<MetricFamilyDescriptor> out = new ArrayList<>();
    COUNTERS.forEach(f -> out.add(f.descriptor()));
    out.add(CACHE_GETS.descriptor());
    HISTOGRAMS.forEach(f -> out.add(f.descriptor()));
    GAUGES.forEach(f -> out.add(f.descriptor()));
    out.add(RESIDENT_MEMORY.descriptor());
    return out;
  }

  /**
   * The Prometheus client's buckets hold each bucket's own count and add them up when it writes the
   * page; ours are cumulative, as {@code le} buckets read.
   */
  static ClassicHistogramBuckets buckets(HistogramSnapshot h) {
    long[] cumulative = h.cumulativeCounts();
    long[] own = new long[cumulative.length];
    for (int i = 0; i < own.length; i++) {
      own[i] = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
    }
    return ClassicHistogramBuckets.of(h.upperBounds(), own);
  }

  @Override
  public String toString() {
    return "RuntimeMetricsCollector" + runtimes.keySet();
  }

  private record Sampled(Labels labels, MetricSnapshot snapshot) {}

  private static CounterSnapshot.Builder counter(Family f) {
    CounterSnapshot.Builder b = CounterSnapshot.builder();
    describe(b, f);
    return b;
  }

  private static GaugeSnapshot.Builder gauge(Family f) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder();
    describe(b, f);
    return b;
  }

  private static void describe(
      io.prometheus.metrics.model.snapshots.MetricSnapshot.Builder<?> b, Family f) {
    MetricMetadata m = f.descriptor().getMetadata();
    b.name(m.getName()).help(m.getHelp());
    if (m.hasUnit()) {
      b.unit(m.getUnit());
    }
  }

  private static void counterPoint(CounterSnapshot.Builder b, OptionalDouble v, Labels labels) {
    v.ifPresent(
        x -> b.dataPoint(CounterDataPointSnapshot.builder().value(x).labels(labels).build()));
  }

  private static void gaugePoint(GaugeSnapshot.Builder b, OptionalDouble v, Labels labels) {
    v.ifPresent(x -> b.dataPoint(GaugeDataPointSnapshot.builder().value(x).labels(labels).build()));
  }

  /** A metric none of whose runtimes reported a value is left off the page, not written empty. */
  private static void addIfAny(
      MetricSnapshots.Builder page, io.prometheus.metrics.model.snapshots.MetricSnapshot m) {
    if (!m.getDataPoints().isEmpty()) {
      page.metricSnapshot(m);
    }
  }
}
