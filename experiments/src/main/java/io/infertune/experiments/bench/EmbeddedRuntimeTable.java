package io.infertune.experiments.bench;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.measure.Metrics;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Replays throughput measured on the real embedded runtime (recorded by {@link RecordEmbeddedGrid})
 * over a grid; maximise {@code throughput_rps}, no constraint.
 *
 * <p>The space is wider than the grid: {@code batch_size} ordinal {1, 2, 4, ..., 64}, {@code
 * quantization} {fp32, int8}, {@code replicas} integer 1..2, {@code cache_entries} integer 0..20000
 * (linear). A configuration between grid points takes the value of the nearest grid point: nearest
 * {@code log2(batch_size)} (ties to the larger batch), nearest {@code cache_entries} (linear). The
 * optimum is the largest recorded throughput.
 */
public final class EmbeddedRuntimeTable implements Landscape {
  /** The CSV header that {@link RecordEmbeddedGrid} writes. */
  public static final String HEADER =
      "batch_size,quantization,replicas,cache_entries,throughput_rps,latency_p95_ms,cpu_utilization";

  /** The resource replayed by {@link #standard()}. */
  public static final String RESOURCE = "/embedded-grid.csv";

  private static final SearchSpace SPACE =
      SearchSpace.of(
          Parameter.ordinal(EmbeddedRuntime.BATCH_SIZE, 1, 2, 4, 8, 16, 32, 64),
          Parameter.categorical(EmbeddedRuntime.QUANTIZATION, "fp32", "int8"),
          Parameter.integer(EmbeddedRuntime.REPLICAS, 1, 2),
          Parameter.integer(EmbeddedRuntime.CACHE_ENTRIES, 0, 20_000));

  /** One recorded grid point. */
  public record Point(
      long batchSize, String quantization, long replicas, long cacheEntries, double throughput) {}

  private final List<Point> points;
  private final double optimum;

  public EmbeddedRuntimeTable(List<Point> points) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("the grid is empty");
    }
    this.points = List.copyOf(points);
    this.optimum = points.stream().mapToDouble(Point::throughput).max().orElseThrow();
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

  static List<Point> parse(InputStream in) throws IOException {
    List<Point> points = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isBlank() || line.startsWith("#") || line.equals(HEADER)) {
        continue;
      }
      String[] f = line.split(",");
      points.add(
          new Point(
              Long.parseLong(f[0]),
              f[1],
              Long.parseLong(f[2]),
              Long.parseLong(f[3]),
              Double.parseDouble(f[4])));
    }
    return points;
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
  public double optimum() {
    return optimum;
  }

  /** The recorded point nearest to {@code c}. */
  Point nearest(Configuration c) {
    double logBatch = Math.log(c.getLong(EmbeddedRuntime.BATCH_SIZE)) / Math.log(2);
    String q = c.getString(EmbeddedRuntime.QUANTIZATION).toLowerCase(Locale.ROOT);
    long replicas = c.getLong(EmbeddedRuntime.REPLICAS);
    long cache = c.getLong(EmbeddedRuntime.CACHE_ENTRIES);
    Point best = null;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (Point p : points) {
      if (!p.quantization().equals(q)) {
        continue;
      }
      // Batch distance in octaves, replicas exact when recorded, cache in units of 10000 entries;
      // on a tie the larger batch wins.
      double d =
          Math.abs(Math.log(p.batchSize()) / Math.log(2) - logBatch)
              + Math.abs(p.replicas() - replicas) * 10
              + Math.abs(p.cacheEntries() - cache) / 10_000.0;
      boolean tie = best != null && Math.abs(d - bestDistance) <= 1e-9;
      if (tie ? p.batchSize() > best.batchSize() : d < bestDistance) {
        bestDistance = Math.min(d, bestDistance);
        best = p;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no recorded point for quantization " + q);
    }
    return best;
  }

  @Override
  public Outcome evaluate(Configuration configuration, RandomGenerator noise) {
    return Outcome.Measured.exact(nearest(configuration).throughput());
  }
}
