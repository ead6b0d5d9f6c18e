package io.infertune.experiments.bench;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.workload.Workloads;
import io.infertune.tuner.measure.HostCpu;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementException;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Records the grid that {@link EmbeddedRuntimeTable} replays: the real embedded runtime (ONNX
 * Runtime, in process) measured at every point of {@code batch_size} × {@code batch_timeout_ms} ×
 * {@code quantization} × {@code replicas} × {@code cache_entries}. Threads per session are {@code
 * cores / replicas}, spinning off (the machines are shared). Every point starts from an empty cache
 * (the runtime empties it on every change of configuration).
 *
 * <p>Each point is measured {@code --passes} times (default 3), the passes alternating direction
 * through the grid, and {@link EmbeddedRuntimeTable} replays the median: on shared machines the CPU
 * left by other tenants drifts over minutes, and one pass ranks configurations by when they ran as
 * much as by what they are.
 *
 * <p>The load is a closed loop of {@value #CLIENTS} clients over {@value #DISTINCT_INPUTS} distinct
 * inputs of the standard corpus with Zipf({@value #ZIPF_EXPONENT}) repeats: single sentences for
 * the most popular inputs, pairs of sentences for the rest, so inputs vary in length (5 to 60
 * words) and a batch pays for padding to its longest member. The working set is ten times the
 * largest cache level, so the cache helps without answering everything.
 *
 * <p>Not a test; run once, on a machine as quiet as possible, with {@code java -cp ...
 * io.infertune.experiments.bench.RecordEmbeddedGrid [options] [OUT.csv]} (see {@code
 * experiments/RESULTS.md}) and commit the CSV as {@code src/main/resources/embedded-grid.csv}.
 * Options override a level list ({@code --batch 1,8,64}, {@code --timeout 0,8}, {@code
 * --quantization int8}, {@code --replicas 1}, {@code --cache 0,2048}) or the window ({@code
 * --passes 3}, {@code --warmup-ms 300}, {@code --window-ms 600}: the defaults, which keep the
 * recording near 12 minutes on 2 cores), for pilots, and number the passes from {@code --first-pass
 * N} (default 1), to measure again what a crowded pass spoiled and append the rows. Numbers depend
 * on the machine and its load (ARCHITECTURE.md: repeats differ by up to 38 % on shared 2-core
 * machines).
 */
public final class RecordEmbeddedGrid {
  /** The CPU other processes take during each point's window ({@code /proc/stat}). */
  private static final HostCpu HOST = HostCpu.linux();

  static final int CLIENTS = 16;
  static final int DISTINCT_INPUTS = 20_000;
  static final double ZIPF_EXPONENT = 1.0;
  private static final long WORKLOAD_SEED = 1;

  private RecordEmbeddedGrid() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("batch", "1,2,4,8,16,32,64");
    options.put("timeout", "0,2,8");
    options.put("quantization", "fp32,int8");
    options.put("replicas", "1,2");
    options.put("cache", "0,256,2048");
    options.put("passes", "3");
    options.put("first-pass", "1");
    options.put("warmup-ms", "300");
    options.put("window-ms", "600");
    Path out = Path.of("experiments/src/main/resources/embedded-grid.csv");
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        String key = args[i].substring(2);
        if (!options.containsKey(key) || i + 1 >= args.length) {
          throw new IllegalArgumentException(
              "usage: RecordEmbeddedGrid [--"
                  + String.join(" X] [--", options.keySet())
                  + " X]"
                  + " [OUT.csv]");
        }
        options.put(key, args[++i]);
      } else {
        out = Path.of(args[i]);
      }
    }
    long[] batches = longs(options.get("batch"));
    long[] timeouts = longs(options.get("timeout"));
    List<String> quantizations = List.of(options.get("quantization").split(","));
    long[] replicaLevels = longs(options.get("replicas"));
    long[] caches = longs(options.get("cache"));
    int passes = Integer.parseInt(options.get("passes"));
    int firstPass = Integer.parseInt(options.get("first-pass"));
    Duration warmup = Duration.ofMillis(Long.parseLong(options.get("warmup-ms")));
    Duration window = Duration.ofMillis(Long.parseLong(options.get("window-ms")));

    int cores = Runtime.getRuntime().availableProcessors();
    Measurer measurer = new Measurer(Ticker.system(), cores);
    WorkloadSpec load =
        new WorkloadSpec(
            WorkloadSpec.Mode.CLOSED_LOOP,
            CLIENTS,
            100, // unused in closed loop
            DISTINCT_INPUTS,
            ZIPF_EXPONENT,
            WORKLOAD_SEED);
    Workload workload = Workloads.from(load);
    MeasurementSpec spec = MeasurementSpec.of(warmup, window);
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    int points =
        batches.length
            * timeouts.length
            * quantizations.size()
            * replicaLevels.length
            * caches.length;
    try (EmbeddedRuntime runtime = EmbeddedRuntime.builder().build();
        PrintWriter w =
            new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), true)) {
      w.printf(
          Locale.ROOT,
          "# Recorded by RecordEmbeddedGrid from %s UTC on %d cores (%s %s, load average %s):%n"
              + "# %d points x %d passes (odd passes in grid order, even ones reversed);"
              + " closed loop of %d clients,%n# %d distinct corpus inputs, Zipf(%.1f) repeats,"
              + " %d ms warm-up + %d ms window per measurement,%n"
              + "# intra_op_threads = cores / replicas, thread_spinning off, empty cache at"
              + " every point.%n",
          started,
          cores,
          System.getProperty("os.name"),
          System.getProperty("os.arch"),
          loadAverage(),
          points,
          passes,
          CLIENTS,
          DISTINCT_INPUTS,
          ZIPF_EXPONENT,
          warmup.toMillis(),
          window.toMillis());
      w.println(EmbeddedRuntimeTable.HEADER);
      List<Configuration> grid = new ArrayList<>();
      // Sessions are rebuilt only when quantization or threads change: those loops are outermost.
      for (String q : quantizations) {
        for (long replicas : replicaLevels) {
          for (long batch : batches) {
            for (long timeout : timeouts) {
              for (long cache : caches) {
                grid.add(
                    Configuration.of(
                        EmbeddedRuntime.BATCH_SIZE, batch,
                        EmbeddedRuntime.BATCH_TIMEOUT_MS, timeout,
                        EmbeddedRuntime.QUANTIZATION, q,
                        EmbeddedRuntime.CACHE_ENTRIES, cache,
                        EmbeddedRuntime.REPLICAS, replicas,
                        EmbeddedRuntime.INTRA_OP_THREADS, Math.max(1, cores / replicas),
                        EmbeddedRuntime.THREAD_SPINNING, "off"));
              }
            }
          }
        }
      }
      for (int pass = firstPass; pass < firstPass + passes; pass++) {
        // Alternate directions, so that each point is measured early, late and in between: the
        // load of other tenants comes and goes over minutes.
        List<Configuration> order = pass % 2 == 1 ? grid : grid.reversed();
        for (Configuration c : order) {
          runtime.apply(c);
          Optional<HostCpu.Reading> before = HOST.read();
          Measurement m = measure(measurer, runtime, workload, spec);
          double others =
              before
                  .flatMap(b -> HOST.read().flatMap(a -> HostCpu.othersShare(b, a)))
                  .orElse(Double.NaN);
          String line =
              String.format(
                  Locale.ROOT,
                  "%d,%d,%d,%s,%d,%d,%.2f,%.2f,%.2f,%.3f,%.3f,%.3f",
                  pass,
                  c.getLong(EmbeddedRuntime.BATCH_SIZE),
                  c.getLong(EmbeddedRuntime.BATCH_TIMEOUT_MS),
                  c.getString(EmbeddedRuntime.QUANTIZATION),
                  c.getLong(EmbeddedRuntime.REPLICAS),
                  c.getLong(EmbeddedRuntime.CACHE_ENTRIES),
                  value(m, Metrics.THROUGHPUT_RPS),
                  value(m, Metrics.LATENCY_P50_MS),
                  value(m, Metrics.LATENCY_P95_MS),
                  value(m, Metrics.CACHE_HIT_RATE),
                  value(m, Metrics.CPU_UTILIZATION),
                  others);
          w.println(line);
          System.out.println(line);
        }
      }
      w.printf(
          Locale.ROOT,
          "# Finished %s UTC (load average %s).%n",
          Instant.now().truncatedTo(ChronoUnit.SECONDS),
          loadAverage());
    } catch (IOException e) {
      throw new IOException("could not write " + out + ": " + e.getMessage(), e);
    }
  }

  /**
   * A measurement of the configuration in force; when nothing completed in the window (a slow
   * configuration on a crowded machine) the window doubles, up to 8 times the planned one.
   */
  private static Measurement measure(
      Measurer measurer, EmbeddedRuntime runtime, Workload workload, MeasurementSpec spec)
      throws InterruptedException, MeasurementException {
    MeasurementSpec s = spec;
    for (int doubling = 0; ; doubling++) {
      try {
        return measurer.measure(runtime, workload, s);
      } catch (MeasurementException e) {
        if (doubling == 3) {
          throw e;
        }
        s = MeasurementSpec.of(s.warmup(), s.window().multipliedBy(2));
      }
    }
  }

  /** The 1, 5 and 15 minute load averages (other tenants' work shows here), or "unknown". */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static double value(Measurement m, String metric) {
    return m.value(metric).orElse(Double.NaN);
  }

  private static long[] longs(String csv) {
    return Arrays.stream(csv.split(",")).map(String::strip).mapToLong(Long::parseLong).toArray();
  }
}
