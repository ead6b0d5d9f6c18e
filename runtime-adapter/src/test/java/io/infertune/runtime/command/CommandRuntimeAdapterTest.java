package io.infertune.runtime.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.run.CampaignOutcome;
import io.infertune.tuner.run.CampaignRunner;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.IntParameter;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.RuntimeAdapterContract;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command adapter against real child processes: small python3 simulators written to a temporary
 * directory, whose throughput peaks at a batch size of 16.
 */
class CommandRuntimeAdapterTest extends RuntimeAdapterContract {
  /** Throughput 2000 b * 16 / (16^2 + b^2): 1000 requests per second at b = 16, less elsewhere. */
  private static final String MODEL =
      """
      import json, os, sys
      def metrics(b, workers):
          return {"throughput_rps": 2000.0 * b * 16 / (16 * 16 + b * b) * workers,
                  "latency_p95_ms": 10.0 + 2.0 * b, "accuracy": 0.99, "note": "simulated"}
      """;

  private static final IntParameter BATCH =
      new IntParameter("batch_size", 1, 64, 1, false, Optional.empty());
  private static final IntParameter WORKERS =
      new IntParameter("workers", 1, 4, 1, false, Optional.empty());

  @TempDir Path dir;
  private CommandRuntimeAdapter other;

  @AfterEach
  void closeOther() {
    if (other != null) {
      other.close();
    }
  }

  /** The flags simulator does not run with 4 workers. */
  @Override
  protected Optional<Configuration> refusedConfiguration() {
    return Optional.of(Configuration.of("workers", 4));
  }

  /**
   * The flags simulator: it chats on stderr and stdout, then prints its metrics last; it exits with
   * an error for 4 workers.
   */
  @Override
  protected RuntimeAdapter createAdapter() throws Exception {
    return CommandRuntimeAdapter.start(flagsSpec("sim").build(), Ticker.system());
  }

  private CommandSpec.Builder flagsSpec(String id) throws IOException {
    Path script =
        script(
            "flags.py",
            MODEL
                + """
                args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
                print("warming up", file=sys.stderr)
                if args["--workers"] == "4":
                    sys.exit("4 workers do not fit in memory")
                print("simulating batch", args["--batch-size"])
                print(json.dumps(metrics(int(args["--batch-size"]), int(args["--workers"]))))
                """);
    return CommandSpec.builder(id, "python3", script.toString())
        .knob(CommandSpec.Knob.flag(BATCH, 4, "--batch-size"))
        .knob(CommandSpec.Knob.flag(WORKERS, 1, "--workers"))
        .timeout(Duration.ofSeconds(30));
  }

  private Path script(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static double gauge(MetricSnapshot s, String name) {
    return s.gauge(name).orElseThrow();
  }

  @Test
  void oneShotRunsTheProgramWithItsFlagsAndReadsItsLastJsonLine() throws Exception {
    adapter.apply(Configuration.of("batch_size", 16));
    MetricSnapshot s = adapter.metrics().sample();
    assertThat(gauge(s, Metrics.THROUGHPUT_RPS)).isCloseTo(1000, within(1e-9));
    assertThat(gauge(s, Metrics.LATENCY_P95_MS)).isCloseTo(42, within(1e-9));
    assertThat(s.gauges()).doesNotContainKey("note");
    adapter.apply(Configuration.of("workers", 2));
    assertThat(gauge(adapter.metrics().sample(), Metrics.THROUGHPUT_RPS))
        .isCloseTo(2000, within(1e-9));
  }

  @Test
  void theMeasurerReportsTheProgramsOwnThroughputAndLatency() throws Exception {
    adapter.apply(Configuration.of("batch_size", 32));
    ManualTicker ticker = new ManualTicker();
    other = CommandRuntimeAdapter.start(flagsSpec("sim2").build(), ticker);
    other.apply(Configuration.of("batch_size", 32));
    Measurement m =
        new Measurer(ticker, 2)
            .measure(
                other,
                new TrickleWorkload(),
                new MeasurementSpec(
                    Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1)));
    // 2000 * 32 * 16 / (256 + 1024) = 800.
    assertThat(m.value(Metrics.THROUGHPUT_RPS).getAsDouble()).isCloseTo(800, within(1e-9));
    assertThat(m.value(Metrics.LATENCY_P95_MS).getAsDouble()).isCloseTo(74, within(1e-9));
    assertThat(m.value(Metrics.ACCURACY).getAsDouble()).isCloseTo(0.99, within(1e-9));
  }

  @Test
  void knobsCanComeAsJsonOnStdin() throws Exception {
    Path script =
        script(
            "stdin.py",
            MODEL
                + """
                c = json.load(sys.stdin)
                print(json.dumps(metrics(c["batch_size"], c["workers"])))
                """);
    other =
        CommandRuntimeAdapter.start(
            CommandSpec.builder("stdin", "python3", script.toString())
                .knob(CommandSpec.Knob.stdin(BATCH, 4))
                .knob(CommandSpec.Knob.stdin(WORKERS, 1))
                .build(),
            Ticker.system());
    other.apply(Configuration.of("batch_size", 16, "workers", 3));
    assertThat(gauge(other.metrics().sample(), Metrics.THROUGHPUT_RPS))
        .isCloseTo(3000, within(1e-9));
  }

  @Test
  void knobsCanComeAsEnvironmentVariables() throws Exception {
    Path script =
        script(
            "env.py",
            MODEL
                + """
                print(json.dumps(metrics(int(os.environ["BATCH"]), int(os.environ["WORKERS"]))))
                """);
    other =
        CommandRuntimeAdapter.start(
            CommandSpec.builder("env", "python3", script.toString())
                .knob(CommandSpec.Knob.env(BATCH, 8, "BATCH"))
                .knob(CommandSpec.Knob.env(WORKERS, 1, "WORKERS"))
                .build(),
            Ticker.system());
    // 2000 * 8 * 16 / (256 + 64) = 800.
    assertThat(gauge(other.metrics().sample(), Metrics.THROUGHPUT_RPS))
        .isCloseTo(800, within(1e-9));
  }

  @Test
  void metricsCanComeFromAFileTheProgramIsTold() throws Exception {
    Path script =
        script(
            "file.py",
            MODEL
                + """
                args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
                print("{not the metrics}")
                with open(args["--out"], "w") as f:
                    json.dump(metrics(int(args["--batch-size"]), 1), f)
                assert os.environ["INFERTUNE_METRICS_FILE"] == args["--out"]
                """);
    other =
        CommandRuntimeAdapter.start(
            CommandSpec.builder("file", "python3", script.toString(), "--out", "{metrics_file}")
                .knob(CommandSpec.Knob.flag(BATCH, 16, "--batch-size"))
                .metricsFrom(CommandSpec.MetricsFrom.FILE)
                .build(),
            Ticker.system());
    assertThat(gauge(other.metrics().sample(), Metrics.THROUGHPUT_RPS))
        .isCloseTo(1000, within(1e-9));
  }

  @Test
  void aStreamingProgramIsSampledWhileItRunsAndRestartedByApply() throws Exception {
    Path script =
        script(
            "stream.py",
            MODEL
                + """
                import time
                args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
                b = int(args["--batch-size"])
                n = 0
                while True:
                    n += b
                    print(json.dumps({"requests": n, "queue_depth": b}), flush=True)
                    time.sleep(0.02)
                """);
    other =
        CommandRuntimeAdapter.start(
            CommandSpec.builder("stream", "python3", script.toString())
                .knob(CommandSpec.Knob.flag(BATCH, 4, "--batch-size"))
                .mode(CommandSpec.Mode.STREAMING)
                .timeout(Duration.ofSeconds(30))
                .build(),
            Ticker.system());
    MetricSnapshot a = other.metrics().sample();
    assertThat(gauge(a, "queue_depth")).isEqualTo(4);
    Thread.sleep(200);
    MetricSnapshot b = other.metrics().sample();
    // requests is a counter the program keeps: it grew while the program ran.
    assertThat(b.counter(Metrics.SOURCE_REQUESTS).orElseThrow())
        .isGreaterThan(a.counter(Metrics.SOURCE_REQUESTS).orElseThrow());
    other.apply(Configuration.of("batch_size", 9));
    assertThat(gauge(other.metrics().sample(), "queue_depth")).isEqualTo(9);
  }

  @Test
  void aStreamingProgramThatRefusesItsFlagsIsRejectedAndTheOldOneRestarted() throws Exception {
    Path script =
        script(
            "picky.py",
            """
            import json, sys, time
            b = int(sys.argv[2])
            if b > 32:
                print("error: unrecognized arguments: --batch-size", b, file=sys.stderr)
                sys.exit(2)
            while True:
                print(json.dumps({"requests": 1, "queue_depth": b}), flush=True)
                time.sleep(0.02)
            """);
    other =
        CommandRuntimeAdapter.start(
            CommandSpec.builder("picky", "python3", script.toString())
                .knob(CommandSpec.Knob.flag(BATCH, 4, "--batch-size"))
                .mode(CommandSpec.Mode.STREAMING)
                .build(),
            Ticker.system());
    assertThatThrownBy(() -> other.apply(Configuration.of("batch_size", 48)))
        .isInstanceOf(ApplyFailedException.class)
        .hasMessageContaining("unrecognized arguments")
        .satisfies(
            e ->
                assertThat(((ApplyFailedException) e).reason())
                    .isEqualTo(ApplyFailedException.Reason.REJECTED));
    assertThat(other.current().getLong("batch_size")).isEqualTo(4);
    assertThat(gauge(other.metrics().sample(), "queue_depth")).isEqualTo(4);
  }

  @Test
  void aProgramThatExitsNonZeroFailsTheApplyWithItsStderr() throws Exception {
    Path script =
        script(
            "crash.py",
            """
            import sys
            if sys.argv[2] == "64":
                print("CUDA error: invalid configuration for batch 64", file=sys.stderr)
                sys.exit(3)
            print('{"throughput_rps": 1}')
            """);
    other =
        CommandRuntimeAdapter.start(
            CommandSpec.builder("crash", "python3", script.toString())
                .knob(CommandSpec.Knob.flag(BATCH, 4, "--batch-size"))
                .build(),
            Ticker.system());
    assertThatThrownBy(() -> other.apply(Configuration.of("batch_size", 64)))
        .isInstanceOf(ApplyFailedException.class)
        .hasMessageContaining("exited with code 3")
        .hasMessageContaining("invalid configuration for batch 64")
        .satisfies(
            e ->
                assertThat(((ApplyFailedException) e).reason())
                    .isEqualTo(ApplyFailedException.Reason.CRASH));
    assertThat(other.current().getLong("batch_size")).isEqualTo(4);
  }

  @Test
  void aProgramThatPrintsNoJsonFailsTheApplyAndTheSample() throws Exception {
    Path script = script("garbage.py", "print('throughput: lots')\nprint('{broken')\n");
    other =
        CommandRuntimeAdapter.start(
            CommandSpec.builder("garbage", "python3", script.toString())
                .knob(CommandSpec.Knob.flag(BATCH, 4, "--batch-size"))
                .build(),
            Ticker.system());
    assertThatThrownBy(() -> other.apply(Configuration.of("batch_size", 8)))
        .isInstanceOf(ApplyFailedException.class)
        .hasMessageContaining("no JSON metrics object")
        .hasMessageContaining("throughput: lots");
    assertThatThrownBy(() -> other.metrics().sample())
        .isInstanceOf(MetricSourceException.class)
        .hasMessageContaining("no JSON metrics object");
  }

  @Test
  void aProgramThatOverrunsItsTimeoutIsStoppedAndFailsWithTimeout() throws Exception {
    Path script = script("slow.py", "import time\nprint('starting', flush=True)\ntime.sleep(60)\n");
    other =
        CommandRuntimeAdapter.start(
            CommandSpec.builder("slow", "python3", script.toString())
                .knob(CommandSpec.Knob.flag(BATCH, 4, "--batch-size"))
                .timeout(Duration.ofMillis(700))
                .build(),
            Ticker.system());
    long start = System.nanoTime();
    assertThatThrownBy(() -> other.apply(Configuration.of("batch_size", 8)))
        .isInstanceOf(ApplyFailedException.class)
        .hasMessageContaining("starting")
        .satisfies(
            e ->
                assertThat(((ApplyFailedException) e).reason())
                    .isEqualTo(ApplyFailedException.Reason.TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void anInconsistentSpecIsRejected() {
    assertThatThrownBy(
            () ->
                CommandSpec.builder("x", "prog")
                    .knob(CommandSpec.Knob.flag(BATCH, 100, "--batch-size"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside its valid values");
    assertThatThrownBy(
            () ->
                CommandSpec.builder("x", "prog")
                    .knob(CommandSpec.Knob.env(BATCH, 4, "N"))
                    .knob(CommandSpec.Knob.env(WORKERS, 1, "N"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two knobs");
    assertThatThrownBy(
            () ->
                CommandSpec.builder("x", "prog")
                    .knob(CommandSpec.Knob.flag(BATCH, 4, "--b"))
                    .mode(CommandSpec.Mode.STREAMING)
                    .metricsFrom(CommandSpec.MetricsFrom.FILE)
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCampaignOverTheSimulatorFindsTheBestBatchSizeAmongThoseTried() throws Exception {
    ManualTicker ticker = new ManualTicker();
    other = CommandRuntimeAdapter.start(flagsSpec("campaign").build(), ticker);
    InMemoryTrialStore store = new InMemoryTrialStore();
    List<Configuration> proposals =
        List.of(
            Configuration.of("batch_size", 40, "workers", 1),
            Configuration.of("batch_size", 12, "workers", 1),
            Configuration.of("batch_size", 20, "workers", 1),
            Configuration.of("batch_size", 2, "workers", 1));
    ListStrategy strategy = new ListStrategy(proposals);
    StrategyFactory factory = (type, ctx) -> strategy;
    CampaignSpec spec =
        new CampaignSpec(
            "sim",
            other.id(),
            other.knobs(),
            Objective.maximize(Metrics.THROUGHPUT_RPS),
            List.of(),
            new StrategySpec("list", 1),
            new Budget(5, Optional.empty()),
            new MeasurementSpec(
                Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1)),
            WorkloadSpec.closedLoop(1, 1));
    Campaign c = Campaign.created("c1", spec, "operator", ticker.now());
    store.createCampaign(c);
    CampaignOutcome o =
        CampaignRunner.builder()
            .store(store)
            .runtime(other)
            .strategies(factory)
            .workload(new TrickleWorkload())
            .ticker(ticker)
            .cores(2)
            .deploymentIds(() -> "d1")
            .build()
            .run(c);

    List<Trial> trials = store.trials("c1");
    // Clearly worse trials may be pruned; none fails.
    assertThat(trials)
        .hasSize(5)
        .allMatch(t -> t.status() == TrialStatus.COMPLETED || t.status() == TrialStatus.PRUNED);
    // Of 4 (the baseline), 40, 12, 20 and 2, batch 20 is closest to the peak at 16: 975.6 rps.
    Trial best =
        trials.stream()
            .max(
                java.util.Comparator.comparingDouble(
                    t -> throughput(t.configuration().getLong("batch_size"))))
            .orElseThrow();
    assertThat(best.configuration().getLong("batch_size")).isEqualTo(20);
    assertThat(o.best().orElseThrow().configuration()).isEqualTo(best.configuration());
    assertThat(o.best().orElseThrow().objectiveValue().getAsDouble())
        .isCloseTo(throughput(best.configuration().getLong("batch_size")), within(1e-6));
  }

  private static double throughput(long b) {
    return 2000.0 * b * 16 / (16 * 16 + b * b);
  }
}
