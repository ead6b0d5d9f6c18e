package io.infertune.api;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.workload.Workloads;
import io.infertune.store.TrialStores;
import io.infertune.strategies.Strategies;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.run.CampaignOutcome;
import io.infertune.tuner.run.CampaignRunner;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.WorkloadSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code infertune demo}: the main job on the embedded default. Starts the embedded ONNX Runtime
 * server and the H2 store, tunes the server under a Zipf workload for a short budget, prints each
 * trial and a final comparison of the default configuration with the best one found, which is
 * pushed to the runtime.
 */
@Command(
    name = "demo",
    description = "Tune the embedded ONNX Runtime embedding server for a couple of minutes.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      description = "Database and model files (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of("data");

  @Option(
      names = "--trials",
      description = "Trials, the baseline included (default: ${DEFAULT-VALUE}).")
  int trials = 12;

  @Option(names = "--strategy", description = "Search strategy (default: ${DEFAULT-VALUE}).")
  String strategy = "random";

  @Option(
      names = "--seed",
      description = "Seed of the strategy and the workload (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--warmup-seconds",
      description = "Warm-up per trial (default: ${DEFAULT-VALUE}).")
  double warmupSeconds = 1;

  @Option(
      names = "--window-seconds",
      description = "Measurement window per trial (default: ${DEFAULT-VALUE}).")
  double windowSeconds = 3;

  @Option(names = "--concurrency", description = "Closed-loop clients (default: ${DEFAULT-VALUE}).")
  int concurrency = 16;

  @Option(
      names = "--min-accuracy",
      description = "Accuracy constraint (default: ${DEFAULT-VALUE}).")
  double minAccuracy = 0.98;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dataDir);
    long started = System.nanoTime();
    out.println("Infertune demo: tuning the embedded ONNX Runtime server (all-MiniLM-L6-v2)");
    out.printf("Data directory: %s%n", dataDir.toAbsolutePath().normalize());
    try (TrialStore store = TrialStores.openH2(dataDir);
        EmbeddedRuntime runtime =
            EmbeddedRuntime.builder().modelCacheDir(dataDir.resolve("models")).build()) {
      CampaignSpec spec =
          new CampaignSpec(
              "demo",
              runtime.id(),
              runtime.knobs(),
              Objective.maximize(Metrics.THROUGHPUT_RPS),
              List.of(Constraint.atLeast(Metrics.ACCURACY, minAccuracy)),
              new StrategySpec(strategy, seed),
              Budget.trials(trials),
              MeasurementSpec.of(seconds(warmupSeconds), seconds(windowSeconds)),
              new WorkloadSpec(WorkloadSpec.Mode.CLOSED_LOOP, concurrency, 100, 20_000, 1.0, seed),
              // The demo's runtime ends with the demo: a short watch shows it, a long one only
              // waits.
              io.infertune.tuner.trial.PromotionPolicy.DEFAULT.withWatch(
                  seconds(2 * windowSeconds), seconds(windowSeconds)));
      out.printf(
          "Objective: %s, subject to %s; strategy %s (seed %d), %d trials, %s warm-up + %s window each%n",
          spec.objective(),
          spec.constraints(),
          strategy,
          seed,
          trials,
          spec.measurement().warmup(),
          spec.measurement().window());
      out.printf(
          "Workload: %d closed-loop clients, Zipf(1.0) repeats over 20000 sentences%n%n",
          concurrency);
      Campaign campaign =
          Campaign.created(UUID.randomUUID().toString(), spec, "demo", Ticker.system().now());
      store.createCampaign(campaign);
      CampaignOutcome outcome =
          CampaignRunner.builder()
              .store(store)
              .runtime(runtime)
              .strategies(new Strategies())
              .workload(Workloads.from(spec.workload()))
              .hostCpu(io.infertune.tuner.measure.HostCpu.linux())
              .listener(new ProgressPrinter(out, trials))
              .build()
              .run(campaign);
      printSummary(outcome, runtime);
      out.printf(
          Locale.ROOT,
          "%nCampaign %s %s in %.0f s; trials are stored in %s%n",
          outcome.campaign().id(),
          outcome.campaign().status().name().toLowerCase(Locale.ROOT),
          (System.nanoTime() - started) / 1e9,
          dataDir.resolve("infertune.mv.db"));
      return outcome.campaign().status() == io.infertune.tuner.trial.CampaignStatus.COMPLETED
          ? 0
          : 1;
    }
  }

  private void printSummary(CampaignOutcome outcome, EmbeddedRuntime runtime) {
    out.println();
    out.println(outcome.campaign().message().orElse(""));
    Optional<Trial> baseline = outcome.baseline();
    Optional<Trial> best = outcome.best();
    if (baseline.isEmpty() || best.isEmpty()) {
      out.println("No comparison: the baseline or a feasible best trial is missing.");
      return;
    }
    Measurement b = baseline.get().measurement().orElseThrow();
    Measurement w = best.get().measurement().orElseThrow();
    out.println();
    out.printf(
        "%-18s %18s %18s %8s%n",
        "metric",
        "default (trial " + baseline.get().number() + ")",
        "best (trial " + best.get().number() + ")",
        "ratio");
    for (String metric :
        List.of(
            Metrics.THROUGHPUT_RPS,
            Metrics.LATENCY_P50_MS,
            Metrics.LATENCY_P95_MS,
            Metrics.ACCURACY,
            Metrics.CACHE_HIT_RATE,
            Metrics.CPU_UTILIZATION,
            Metrics.MEMORY_MB)) {
      OptionalDouble x = b.value(metric);
      OptionalDouble y = w.value(metric);
      String ratio =
          x.isPresent() && y.isPresent() && x.getAsDouble() != 0
              ? String.format(Locale.ROOT, "%.2fx", y.getAsDouble() / x.getAsDouble())
              : "-";
      out.printf(
          "%-18s %18s %18s %8s%n",
          metric, ProgressPrinter.format(x, "%.3f"), ProgressPrinter.format(y, "%.3f"), ratio);
    }
    out.println();
    out.println("default: " + baseline.get().configuration());
    out.println("best:    " + best.get().configuration());
    if (outcome.pushed()) {
      out.println(
          "Pushed the best configuration to runtime '"
              + runtime.id()
              + "'; it now runs: "
              + runtime.current());
    } else {
      out.println("Nothing pushed; runtime '" + runtime.id() + "' runs: " + runtime.current());
    }
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }
}
