package io.infertune.experiments.bench;

import io.infertune.tuner.objective.Direction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What one strategy achieved on one landscape over its seeds, with declared metric columns (the
 * shape of Caffeine's simulator: the report formats print {@link #COLUMNS} and nothing else).
 *
 * <p>Definitions:
 *
 * <ul>
 *   <li><b>best@k</b>: per seed, the best noiseless objective among feasible trials 1..k; over the
 *       seeds its median and quartiles (linear interpolation between order statistics, R-7 /
 *       numpy's default). A seed with no feasible trial by k counts as the worst value (+∞ when
 *       minimising, −∞ when maximising), so it moves the quantiles the honest way;
 *   <li><b>within 1 %</b>: the share of seeds whose best after the whole budget is within {@code
 *       0.01 × scale} of the known optimum, where scale is {@link Landscape#scale()}: {@code
 *       |optimum|} for every landscape here (none has an optimum near 0);
 *   <li><b>ask ms</b>: the median over every {@code ask(1)} call of every seed, in milliseconds
 *       (for Optuna this includes the round trip to the Python process).
 * </ul>
 *
 * @param checkpoints the k of the best@k columns
 */
public record RunStats(
    String strategy,
    String landscape,
    Direction direction,
    double optimum,
    double scale,
    int budget,
    List<RunResult> runs) {

  /** The trial counts of the best@k columns. */
  public static final int[] CHECKPOINTS = {10, 20, 50};

  /** Relative tolerance of the within-1 % column. */
  public static final double TOLERANCE = 0.01;

  /** One declared column. */
  public record Column(String header, Function<RunStats, String> value) {}

  /** The report's columns, in order. */
  public static final List<Column> COLUMNS = columns();

  public RunStats {
    runs = List.copyOf(runs);
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs");
    }
  }

  /** Stats of {@code runs}, which must all be of {@code strategy} on {@code landscape}. */
  public static RunStats of(
      String strategy, Landscape landscape, int budget, List<RunResult> runs) {
    return new RunStats(
        strategy,
        landscape.name(),
        landscape.objective().direction(),
        landscape.optimum(),
        landscape.scale(),
        budget,
        runs);
  }

  private static List<Column> columns() {
    List<Column> c = new ArrayList<>();
    c.add(new Column("strategy", RunStats::strategy));
    c.add(new Column("landscape", RunStats::landscape));
    c.add(new Column("seeds", s -> Integer.toString(s.runs.size())));
    c.add(new Column("optimum", s -> num(s.optimum)));
    for (int k : CHECKPOINTS) {
      c.add(new Column("best@" + k + "_q1", s -> num(s.quantileAt(k, 0.25))));
      c.add(new Column("best@" + k + "_median", s -> num(s.quantileAt(k, 0.5))));
      c.add(new Column("best@" + k + "_q3", s -> num(s.quantileAt(k, 0.75))));
    }
    c.add(new Column("within_1pct", s -> String.format(Locale.ROOT, "%.2f", s.withinTolerance())));
    c.add(new Column("ask_ms_median", s -> String.format(Locale.ROOT, "%.3f", s.medianAskMs())));
    c.add(
        new Column(
            "failed_per_run", s -> String.format(Locale.ROOT, "%.1f", s.mean(RunResult::failed))));
    c.add(
        new Column(
            "infeasible_per_run",
            s -> String.format(Locale.ROOT, "%.1f", s.mean(RunResult::infeasible))));
    return List.copyOf(c);
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.5g", v);
  }

  /** The worst value: what a seed with no feasible trial counts as. */
  private double worst() {
    return direction == Direction.MINIMIZE ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  /**
   * The {@code p}-quantile over seeds of best@k; {@code NaN} when {@code k} exceeds the budget (a
   * run that exhausted a finite space before {@code k} keeps its last value).
   */
  public double quantileAt(int k, double p) {
    if (k > budget) {
      return Double.NaN;
    }
    double[] v = new double[runs.size()];
    for (int i = 0; i < v.length; i++) {
      double b = runs.get(i).bestAfter(k);
      v[i] = Double.isNaN(b) ? worst() : b;
    }
    return quantile(v, p);
  }

  /** The median over seeds of best@k. */
  public double medianAt(int k) {
    return quantileAt(k, 0.5);
  }

  /** The share of seeds whose final best is within {@link #TOLERANCE} × scale of the optimum. */
  public double withinTolerance() {
    long hits =
        runs.stream()
            .filter(r -> r.trials() > 0)
            .mapToDouble(r -> r.bestAfter(r.trials()))
            .filter(b -> !Double.isNaN(b) && Math.abs(b - optimum) <= TOLERANCE * scale)
            .count();
    return (double) hits / runs.size();
  }

  /** The median over all {@code ask} calls, in milliseconds. */
  public double medianAskMs() {
    double[] all =
        runs.stream()
            .flatMapToLong(r -> Arrays.stream(r.askNanos()))
            .mapToDouble(n -> n / 1e6)
            .toArray();
    return all.length == 0 ? Double.NaN : quantile(all, 0.5);
  }

  private double mean(java.util.function.ToIntFunction<RunResult> f) {
    return runs.stream().mapToInt(f).average().orElse(Double.NaN);
  }

  /**
   * The {@code p}-quantile of {@code values} by linear interpolation between order statistics
   * (R-7): {@code h = (n − 1) p}, {@code x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])}. Infinite values
   * sort to the ends; interpolating towards one gives it.
   */
  public static double quantile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("p must be in [0, 1], got " + p);
    }
    double[] x = values.clone();
    Arrays.sort(x);
    double h = (x.length - 1) * p;
    int lo = (int) Math.floor(h);
    double frac = h - lo;
    if (frac == 0 || lo + 1 >= x.length) {
      return x[lo];
    }
    double a = x[lo];
    double b = x[lo + 1];
    if (Double.isInfinite(a)) {
      return a;
    }
    if (Double.isInfinite(b)) {
      return b;
    }
    return a + frac * (b - a);
  }
}
