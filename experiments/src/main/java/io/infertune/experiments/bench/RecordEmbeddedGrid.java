package io.infertune.experiments.bench;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.workload.Workloads;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.WorkloadSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Records the grid that {@link EmbeddedRuntimeTable} replays: the real embedded runtime measured at
 * {@code batch_size} {1, 4, 16, 64} × {@code quantization} {fp32, int8} × {@code replicas} {1, 2} ×
 * {@code cache_entries} {0, 10000} (32 points), closed loop with 16 clients, 1 s warm-up and a 3 s
 * window per point. Threads per session are {@code cores / replicas}, spinning off (the machines
 * are shared), batch timeout 2 ms.
 *
 * <p>Not a test; run once with {@code mvn -pl experiments compile exec:java
 * -Dexec.mainClass=io.infertune.experiments.bench.RecordEmbeddedGrid [-Dexec.args=OUT.csv]} and
 * commit the CSV as {@code src/main/resources/embedded-grid.csv}. Numbers depend on the machine and
 * its load (see ARCHITECTURE.md: repeats differ by up to 38 % on shared 2-core machines).
 */
public final class RecordEmbeddedGrid {
  private static final long[] BATCHES = {1, 4, 16, 64};
  private static final String[] QUANTIZATIONS = {"fp32", "int8"};
  private static final long[] REPLICAS = {1, 2};
  private static final long[] CACHES = {0, 10_000};

  private RecordEmbeddedGrid() {}

  public static void main(String[] args) throws Exception {
    Path out =
        Path.of(args.length > 0 ? args[0] : "experiments/src/main/resources/embedded-grid.csv");
    int cores = Runtime.getRuntime().availableProcessors();
    Measurer measurer = new Measurer(Ticker.system(), cores);
    Workload workload = Workloads.from(WorkloadSpec.closedLoop(16, 1));
    MeasurementSpec spec = MeasurementSpec.of(Duration.ofSeconds(1), Duration.ofSeconds(3));
    try (EmbeddedRuntime runtime = EmbeddedRuntime.builder().build();
        PrintWriter w =
            new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), true)) {
      w.println(EmbeddedRuntimeTable.HEADER);
      for (String q : QUANTIZATIONS) {
        for (long replicas : REPLICAS) {
          for (long batch : BATCHES) {
            for (long cache : CACHES) {
              Configuration c =
                  Configuration.of(
                      EmbeddedRuntime.BATCH_SIZE, batch,
                      EmbeddedRuntime.BATCH_TIMEOUT_MS, 2,
                      EmbeddedRuntime.QUANTIZATION, q,
                      EmbeddedRuntime.CACHE_ENTRIES, cache,
                      EmbeddedRuntime.REPLICAS, replicas,
                      EmbeddedRuntime.INTRA_OP_THREADS, Math.max(1, cores / replicas),
                      EmbeddedRuntime.THREAD_SPINNING, "off");
              runtime.apply(c);
              Measurement m = measurer.measure(runtime, workload, spec);
              String line =
                  String.format(
                      Locale.ROOT,
                      "%d,%s,%d,%d,%.2f,%.2f,%.3f",
                      batch,
                      q,
                      replicas,
                      cache,
                      m.value(Metrics.THROUGHPUT_RPS).orElse(Double.NaN),
                      m.value(Metrics.LATENCY_P95_MS).orElse(Double.NaN),
                      m.value(Metrics.CPU_UTILIZATION).orElse(Double.NaN));
              w.println(line);
              System.out.println(line);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new IOException("could not write " + out + ": " + e.getMessage(), e);
    }
  }
}
