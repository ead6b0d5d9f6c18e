package io.infertune.experiments.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Strategies × landscapes × seeds → {@link RunStats} → a TABLE or CSV report.
 *
 * <p>Options: {@code --strategies a,b,...} (default: every {@code StrategyType} of the installed
 * search-strategies; {@code optuna} stands for the four Optuna samplers, {@code all} for both),
 * {@code --landscapes a,b,...} (default: all of {@link Landscapes#names()}), {@code --seeds N}
 * (default 30; seeds 1..N), {@code --budget N} (default 50 trials), {@code --format table|csv}
 * (default table), {@code --out FILE.csv} (also write CSV there), {@code --threads N} (runs in
 * parallel over seeds, default 1).
 *
 * <p>Not a test. Run with {@code mvn -pl experiments compile exec:java
 * -Dexec.mainClass=io.infertune.experiments.bench.StrategyBenchmark -Dexec.args="--seeds 10"}.
 */
public final class StrategyBenchmark {
  /** The command line, parsed. */
  public record Options(
      List<String> strategies,
      List<String> landscapes,
      int seeds,
      int budget,
      ReportFormat format,
      Optional<Path> out,
      int threads) {
    public Options {
      strategies = List.copyOf(strategies);
      landscapes = List.copyOf(landscapes);
      if (strategies.isEmpty() || landscapes.isEmpty()) {
        throw new IllegalArgumentException("need at least one strategy and one landscape");
      }
      if (seeds < 1 || budget < 1 || threads < 1) {
        throw new IllegalArgumentException("seeds, budget and threads must be >= 1");
      }
      for (String s : strategies) {
        if (!BenchmarkStrategies.all().contains(s)) {
          throw new IllegalArgumentException(
              "unknown strategy '"
                  + s
                  + "'; known strategies: "
                  + String.join(", ", BenchmarkStrategies.all()));
        }
      }
      for (String l : landscapes) {
        if (!Landscapes.names().contains(l)) {
          throw new IllegalArgumentException(
              "unknown landscape '"
                  + l
                  + "'; known landscapes: "
                  + String.join(", ", Landscapes.names()));
        }
      }
    }

    /** Parses {@code args}. */
    public static Options parse(String... args) {
      List<String> strategies = BenchmarkStrategies.ours();
      List<String> landscapes = Landscapes.names();
      int seeds = 30;
      int budget = 50;
      ReportFormat format = ReportFormat.TABLE;
      Optional<Path> out = Optional.empty();
      int threads = 1;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--strategies" -> strategies = strategies(v);
          case "--landscapes" -> landscapes = list(v);
          case "--seeds" -> seeds = Integer.parseInt(v);
          case "--budget" -> budget = Integer.parseInt(v);
          case "--format" -> format = ReportFormat.parse(v);
          case "--out" -> out = Optional.of(Path.of(v));
          case "--threads" -> threads = Integer.parseInt(v);
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + a
                      + "; use --strategies --landscapes --seeds --budget --format --out"
                      + " --threads");
        }
      }
      return new Options(strategies, landscapes, seeds, budget, format, out, threads);
    }

    private static List<String> list(String v) {
      return java.util.Arrays.stream(v.split(","))
          .map(String::strip)
          .filter(x -> !x.isEmpty())
          .map(x -> x.toLowerCase(Locale.ROOT))
          .toList();
    }

    private static List<String> strategies(String v) {
      List<String> out = new ArrayList<>();
      for (String s : list(v)) {
        switch (s) {
          case "all" -> out.addAll(BenchmarkStrategies.all());
          case "ours" -> out.addAll(BenchmarkStrategies.ours());
          case "optuna" -> out.addAll(BenchmarkStrategies.optuna());
          default -> out.add(s);
        }
      }
      return out.stream().distinct().toList();
    }
  }

  private final BenchmarkDriver driver;
  private final Executor executor;
  private final PrintStream progress;

  /**
   * @param executor where runs execute (one task per strategy × landscape × seed); a direct
   *     executor runs them one after another on the caller's thread
   * @param progress where a line per finished strategy × landscape goes
   */
  public StrategyBenchmark(BenchmarkDriver driver, Executor executor, PrintStream progress) {
    this.driver = driver;
    this.executor = executor;
    this.progress = progress;
  }

  public static void main(String[] args) throws IOException {
    Options o = Options.parse(args);
    ExecutorService pool = o.threads() > 1 ? Executors.newFixedThreadPool(o.threads()) : null;
    Executor executor = pool != null ? pool : Runnable::run;
    try {
      StrategyBenchmark bench =
          new StrategyBenchmark(
              new BenchmarkDriver(new BenchmarkStrategies(), System::nanoTime),
              executor,
              System.err);
      long t0 = System.nanoTime();
      List<RunStats> stats = bench.run(o);
      System.out.print(o.format().render(stats));
      System.err.printf(
          Locale.ROOT,
          "%d seeds, budget %d, %.1f s%n",
          o.seeds(),
          o.budget(),
          (System.nanoTime() - t0) / 1e9);
      if (o.out().isPresent()) {
        Files.writeString(o.out().get(), ReportFormat.CSV.render(stats), StandardCharsets.UTF_8);
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** Runs every strategy on every landscape for seeds 1..N; rows in landscape, strategy order. */
  public List<RunStats> run(Options o) {
    List<RunStats> rows = new ArrayList<>();
    for (String landscapeName : o.landscapes()) {
      Landscape landscape = Landscapes.create(landscapeName);
      Map<String, List<CompletableFuture<RunResult>>> futures = new LinkedHashMap<>();
      for (String strategy : o.strategies()) {
        List<CompletableFuture<RunResult>> runs = new ArrayList<>();
        for (long seed = 1; seed <= o.seeds(); seed++) {
          long s = seed;
          runs.add(
              CompletableFuture.supplyAsync(
                  () -> driver.run(strategy, landscape, s, o.budget()), executor));
        }
        futures.put(strategy, runs);
      }
      for (var e : futures.entrySet()) {
        List<RunResult> results = new ArrayList<>();
        for (CompletableFuture<RunResult> f : e.getValue()) {
          try {
            results.add(f.join());
          } catch (CompletionException ex) {
            Throwable cause = ex.getCause() == null ? ex : ex.getCause();
            throw new IllegalStateException(
                e.getKey() + " on " + landscapeName + " failed: " + cause, cause);
          }
        }
        RunStats st = RunStats.of(e.getKey(), landscape, o.budget(), results);
        rows.add(st);
        progress.printf(
            Locale.ROOT,
            "%-14s %-20s median best@%d %s%n",
            e.getKey(),
            landscapeName,
            o.budget(),
            RunStats.num(st.medianAt(o.budget())));
      }
    }
    return rows;
  }
}
