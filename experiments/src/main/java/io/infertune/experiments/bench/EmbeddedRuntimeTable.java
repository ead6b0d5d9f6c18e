package io.infertune.experiments.bench;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Replays measurements of the real embedded runtime (recorded by {@link RecordEmbeddedGrid}) over a
 * full grid: maximise {@code throughput_rps} subject to {@code cpu_utilization ≤} {@value
 * #MAX_CPU_UTILIZATION} (a fraction of all cores: a fifth of the machine is left to the work the
 * server shares it with).
 *
 * <p>The space is the grid itself: {@code batch_size} ordinal {1, 2, 4, ..., 64}, {@code
 * batch_timeout_ms} ordinal {0, 2, 8}, {@code quantization} {fp32, int8}, {@code replicas} integer
 * 1..2, {@code cache_entries} ordinal {0, 256, 2048}: 252 configurations, each replayed as its
 * quietest recorded measurement (no interpolation and no noise added: what noise the recording kept
 * is part of the landscape). The optimum is the largest replayed throughput among points within the
 * CPU budget.
 *
 * <p>Why a CPU budget and not a latency bound: under the recording's closed loop, latency falls as
 * throughput rises (16 clients, so by Little's law mean latency in seconds = 16 / throughput in
 * requests/s), and the fastest point also has the lowest 95th percentile of the grid; a latency
 * bound never binds at the top. The fastest points run one single-threaded session per core with
 * small batches and use the whole machine. Under the budget, the best points batch larger with a
 * short batch timeout, which leaves the cores idle while a batch fills: an interior optimum that no
 * corner of the grid reaches. The budget was set after recording, at a round value that excludes
 * the fastest points and leaves about a quarter of the grid feasible ({@code
 * experiments/RESULTS.md}).
 */
public final class EmbeddedRuntimeTable implements Landscape {
  /** The CSV header that {@link RecordEmbeddedGrid} writes. */
  public static final String HEADER =
      "pass,batch_size,batch_timeout_ms,quantization,replicas,cache_entries,"
          + "throughput_rps,latency_p50_ms,latency_p95_ms,cache_hit_rate,cpu_utilization,other_cpu";

  /** The resource replayed by {@link #standard()}. */
  public static final String RESOURCE = "/embedded-grid.csv";

  /** The CPU budget: a fraction of all cores. */
  public static final double MAX_CPU_UTILIZATION = 0.8;

  private static final SearchSpace SPACE =
      SearchSpace.of(
          Parameter.ordinal(EmbeddedRuntime.BATCH_SIZE, 1, 2, 4, 8, 16, 32, 64),
          Parameter.ordinal(EmbeddedRuntime.BATCH_TIMEOUT_MS, 0, 2, 8),
          Parameter.categorical(EmbeddedRuntime.QUANTIZATION, "fp32", "int8"),
          Parameter.integer(EmbeddedRuntime.REPLICAS, 1, 2),
          Parameter.ordinal(EmbeddedRuntime.CACHE_ENTRIES, 0, 256, 2048));

  /**
   * One recorded grid point.
   *
   * @param throughput requests per second
   * @param latencyP50 milliseconds
   * @param latencyP95 milliseconds
   * @param cacheHitRate a fraction
   * @param cpuUtilization of all cores, a fraction, used by the runtime's process
   * @param otherCpu of all cores, a fraction, used by other processes meanwhile
   * @param passes how many measurements of this configuration the recording holds (this is the
   *     quietest)
   */
  public record Point(
      long batchSize,
      long batchTimeoutMs,
      String quantization,
      long replicas,
      long cacheEntries,
      double throughput,
      double latencyP50,
      double latencyP95,
      double cacheHitRate,
      double cpuUtilization,
      double otherCpu,
      int passes) {
    /** The configuration this point was measured at. */
    public Configuration configuration() {
      return Configuration.of(
          EmbeddedRuntime.BATCH_SIZE, batchSize,
          EmbeddedRuntime.BATCH_TIMEOUT_MS, batchTimeoutMs,
          EmbeddedRuntime.QUANTIZATION, quantization,
          EmbeddedRuntime.REPLICAS, replicas,
          EmbeddedRuntime.CACHE_ENTRIES, cacheEntries);
    }

    Point withPasses(int n) {
      return new Point(
          batchSize,
          batchTimeoutMs,
          quantization,
          replicas,
          cacheEntries,
          throughput,
          latencyP50,
          latencyP95,
          cacheHitRate,
          cpuUtilization,
          otherCpu,
          n);
    }

    public boolean feasible() {
      return cpuUtilization <= MAX_CPU_UTILIZATION;
    }
  }

  private final Map<Configuration, Point> points;
  private final double optimum;

  /**
   * @throws IllegalArgumentException unless {@code points} holds exactly one point for every
   *     configuration of the space, and at least one is feasible
   */
  public EmbeddedRuntimeTable(List<Point> points) {
    Map<Configuration, Point> byConfiguration = new HashMap<>();
    for (Point p : points) {
      Configuration c = p.configuration();
      if (!SPACE.contains(c)) {
        throw new IllegalArgumentException("not a configuration of the space: " + p);
      }
      if (byConfiguration.put(c, p) != null) {
        throw new IllegalArgumentException("recorded twice: " + c);
      }
    }
    long size = SPACE.cardinality();
    if (byConfiguration.size() != size) {
      throw new IllegalArgumentException(
          "the grid has " + byConfiguration.size() + " of the space's " + size + " points");
    }
    this.points = Map.copyOf(byConfiguration);
    this.optimum =
        points.stream()
            .filter(Point::feasible)
            .mapToDouble(Point::throughput)
            .max()
            .orElseThrow(() -> new IllegalArgumentException("no point meets the CPU budget"));
  }

  /** The grid in {@value #RESOURCE}. */
  public static EmbeddedRuntimeTable standard() {
    try (InputStream in = EmbeddedRuntimeTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing");
      }
      return new EmbeddedRuntimeTable(parse(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The points of a recording: per configuration, its quietest measurement (the one during which
   * other processes took the least CPU; the earliest pass on a tie).
   */
  static List<Point> parse(InputStream in) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    Map<Configuration, Point> quietest = new LinkedHashMap<>();
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isBlank() || line.startsWith("#") || line.equals(HEADER)) {
        continue;
      }
      String[] f = line.split(",");
      if (f.length != 12) {
        throw new IllegalArgumentException("expected the 12 columns of " + HEADER + ": " + line);
      }
      Point p =
          new Point(
              Long.parseLong(f[1].strip()),
              Long.parseLong(f[2].strip()),
              f[3].strip().toLowerCase(Locale.ROOT),
              Long.parseLong(f[4].strip()),
              Long.parseLong(f[5].strip()),
              Double.parseDouble(f[6]),
              Double.parseDouble(f[7]),
              Double.parseDouble(f[8]),
              Double.parseDouble(f[9]),
              Double.parseDouble(f[10]),
              Double.parseDouble(f[11]),
              1);
      quietest.merge(
          p.configuration(),
          p,
          (a, b) -> {
            Point q = b.otherCpu() < a.otherCpu() ? b : a;
            return q.withPasses(a.passes() + 1);
          });
    }
    return List.copyOf(quietest.values());
  }

  /** Every recorded point, in no particular order. */
  public List<Point> points() {
    return List.copyOf(points.values());
  }

  @Override
  public String name() {
    return "embedded-table";
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
    return List.of(Constraint.atMost(Metrics.CPU_UTILIZATION, MAX_CPU_UTILIZATION));
  }

  @Override
  public double optimum() {
    return optimum;
  }

  /** The point measured at {@code c}. */
  Point at(Configuration c) {
    Point p = points.get(SPACE.validate(c.restrictTo(SPACE)));
    if (p == null) {
      throw new IllegalArgumentException("no recorded point at " + c);
    }
    return p;
  }

  @Override
  public Outcome evaluate(Configuration configuration, RandomGenerator noise) {
    Point p = at(configuration);
    return new Outcome.Measured(
        p.throughput(), p.throughput(), Map.of(Metrics.CPU_UTILIZATION, p.cpuUtilization()));
  }
}
