package io.infertune.experiments.bench;

import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A mixed-type model of an inference server: maximise {@code throughput_rps} subject to {@code
 * latency_p95_ms ≤ 40}, with an out-of-memory region that crashes.
 *
 * <p>Knobs: {@code batch_size} ordinal {1, 2, 4, ..., 256}; {@code quantization} categorical {fp32,
 * int8, int4}; {@code placement} categorical {cpu, gpu0, gpu01}; {@code cache_entries} integer
 * 0..100000, linear (a log scale would need min ≥ 1 and would crowd samples near 0, where this
 * model changes least).
 *
 * <p>Model (all numbers invented but shaped like real servers):
 *
 * <ul>
 *   <li>speed {@code s}: cpu 1, gpu0 8, gpu01 14 (two GPUs scale imperfectly); quantization factor
 *       {@code f}: fp32 1, int8 1.8, int4 2.2 on GPUs and 0.9 on cpu (no fast int4 kernels);
 *   <li>time per batch {@code t = (4 + 40 b^α) / (s f)} ms, α = 1 on cpu, 0.55 on GPUs (GPUs
 *       process a batch in parallel); model throughput {@code 1000 b / t} requests/s;
 *   <li>result cache hit rate {@code h = 0.45 ln(1 + c/1000) / ln 101}; served throughput {@code
 *       model / (1 − h) × (1 − 0.08 c / 100000)} (lookup cost);
 *   <li>{@code latency_p95_ms = 1.8 t (1 − 0.8 h) + 2};
 *   <li>memory (GB) = weights (fp32 8, int8 4, int4 2) + {@code b} × activations (fp32 0.05, int8
 *       0.03, int4 0.02) + {@code 0.0002 c} (cache, 200 kB an entry); capacity cpu 64, gpu0 16,
 *       gpu01 24 (weights replicated on both GPUs). Above capacity the server crashes (a FAILED
 *       trial, "out of memory"): large batch × fp32 × gpu0, and large caches on GPUs.
 * </ul>
 *
 * <p>Known optimum: exhaustive enumeration over all 81 discrete combinations × every integer cache
 * value 0..100000 (8.1 M noiseless evaluations, computed once, lazily, in about 0.1 s).
 */
public final class ServingLandscape implements Landscape {
  public static final String BATCH_SIZE = "batch_size";
  public static final String QUANTIZATION = "quantization";
  public static final String PLACEMENT = "placement";
  public static final String CACHE_ENTRIES = "cache_entries";

  /** The latency bound. */
  public static final double MAX_LATENCY_P95_MS = 40;

  static final long[] BATCHES = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  static final String[] QUANTIZATIONS = {"fp32", "int8", "int4"};
  static final String[] PLACEMENTS = {"cpu", "gpu0", "gpu01"};
  static final long MAX_CACHE = 100_000;

  private static final SearchSpace SPACE =
      SearchSpace.of(
          Parameter.ordinal(BATCH_SIZE, 1, 2, 4, 8, 16, 32, 64, 128, 256),
          Parameter.categorical(QUANTIZATION, QUANTIZATIONS),
          Parameter.categorical(PLACEMENT, PLACEMENTS),
          Parameter.integer(CACHE_ENTRIES, 0, MAX_CACHE));

  private static final class Optimum {
    static final double VALUE = enumerate();
  }

  /** The model's outputs for one configuration. */
  record Model(double throughput, double latencyP95, double memoryGb, double capacityGb) {
    boolean crashes() {
      return memoryGb > capacityGb;
    }

    boolean feasible() {
      return !crashes() && latencyP95 <= MAX_LATENCY_P95_MS;
    }
  }

  static Model model(long batch, String quantization, String placement, long cache) {
    boolean gpu = !placement.equals("cpu");
    double s =
        switch (placement) {
          case "cpu" -> 1;
          case "gpu0" -> 8;
          case "gpu01" -> 14;
          default -> throw new IllegalArgumentException("unknown placement " + placement);
        };
    double f =
        switch (quantization) {
          case "fp32" -> 1;
          case "int8" -> 1.8;
          case "int4" -> gpu ? 2.2 : 0.9;
          default -> throw new IllegalArgumentException("unknown quantization " + quantization);
        };
    double weights =
        switch (quantization) {
          case "fp32" -> 8;
          case "int8" -> 4;
          default -> 2;
        };
    double activations =
        switch (quantization) {
          case "fp32" -> 0.05;
          case "int8" -> 0.03;
          default -> 0.02;
        };
    double capacity =
        switch (placement) {
          case "cpu" -> 64;
          case "gpu0" -> 16;
          default -> 24;
        };
    double alpha = gpu ? 0.55 : 1.0;
    double t = (4 + 40 * Math.pow(batch, alpha)) / (s * f);
    double modelThroughput = 1000 * batch / t;
    double h = 0.45 * Math.log1p(cache / 1000.0) / Math.log(101);
    double throughput = modelThroughput / (1 - h) * (1 - 0.08 * cache / (double) MAX_CACHE);
    double latency = 1.8 * t * (1 - 0.8 * h) + 2;
    double memory = weights + batch * activations + 0.0002 * cache;
    return new Model(throughput, latency, memory, capacity);
  }

  private static double enumerate() {
    double best = Double.NEGATIVE_INFINITY;
    for (long b : BATCHES) {
      for (String q : QUANTIZATIONS) {
        for (String p : PLACEMENTS) {
          for (long c = 0; c <= MAX_CACHE; c++) {
            Model m = model(b, q, p, c);
            if (m.feasible() && m.throughput() > best) {
              best = m.throughput();
            }
          }
        }
      }
    }
    return best;
  }

  @Override
  public String name() {
    return "serving";
  }

  @Override
  public SearchSpace space() {
    return SPACE;
  }

  @Override
  public Objective objective() {
    return Objective.maximize(Metrics.THROUGHPUT_RPS);
  }

  @Override
  public List<Constraint> constraints() {
    return List.of(Constraint.atMost(Metrics.LATENCY_P95_MS, MAX_LATENCY_P95_MS));
  }

  @Override
  public double optimum() {
    return Optimum.VALUE;
  }

  @Override
  public Outcome evaluate(Configuration c, RandomGenerator noise) {
    Model m =
        model(
            c.getLong(BATCH_SIZE),
            c.getString(QUANTIZATION),
            c.getString(PLACEMENT),
            c.getLong(CACHE_ENTRIES));
    if (m.crashes()) {
      return new Outcome.Failed(
          String.format(
              Locale.ROOT,
              "out of memory: %.1f GB needed, %.0f GB available",
              m.memoryGb(),
              m.capacityGb()));
    }
    return new Outcome.Measured(
        m.throughput(),
        m.throughput(),
        Map.of(Metrics.LATENCY_P95_MS, m.latencyP95(), Metrics.MEMORY_MB, m.memoryGb() * 1024));
  }
}
