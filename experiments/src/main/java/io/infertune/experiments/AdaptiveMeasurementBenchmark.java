package io.infertune.experiments;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.workload.Workloads;
import io.infertune.strategies.Strategies;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementException;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.measure.WindowReport;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.run.CampaignOutcome;
import io.infertune.tuner.run.CampaignRunner;
import io.infertune.tuner.run.TuningListener;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fixed measurement windows against the adaptive protocol with pruning, in whole campaigns on the
 * real embedded runtime (ONNX Runtime in process), with the production {@link CampaignRunner}.
 *
 * <p>Each seed runs one campaign per arm with the same strategy and seed (the order of the arms
 * alternates between seeds, so that a machine that drifts over minutes favours neither): a baseline
 * and {@code --trials} proposals maximising {@code throughput_rps} over {@code batch_size} × {@code
 * batch_timeout_ms} × {@code quantization} × {@code cache_entries} (threads = cores, one replica,
 * spinning off), under a closed loop of {@value #CLIENTS} clients over the standard corpus with
 * Zipf repeats. With the default {@code random} strategy both arms see the same proposals, so any
 * difference in the result comes from measuring, not from the search.
 *
 * <ul>
 *   <li><b>fixed</b>: warm-up {@code --warmup-ms}, window {@code --window-ms}, every trial.
 *   <li><b>adaptive</b>: warm-up up to {@code --warmup-ms}, ended once {@code --stable} intervals
 *       show no trend; window of {@code --min-window-ms} to {@code --window-ms}, ended at ±{@code
 *       --target} (95 %); pruning on; the incumbent re-measured every {@code --remeasure} trials
 *       (0: never, the default, so that both arms propose the same configurations).
 * </ul>
 *
 * <p>Campaign time is the wall time from the start of the campaign to the end of its last trial
 * (the end-of-campaign promotion is skipped: it is the same whatever the trials' protocol). The
 * quality of a campaign is its best configuration re-measured, after all campaigns, in a common
 * verification protocol ({@code --verify-ms} window after a {@code --warmup-ms} warm-up), {@code
 * --verify-passes} times in alternating order, averaged: the campaigns' own values of their winners
 * are biased upwards (the winner's curse), and more so with short windows.
 *
 * <p>Not a test: numbers depend on the machine and what else runs on it (ARCHITECTURE.md: repeats
 * differ by up to 38 % on shared 2-core machines). Run with {@code java -cp ...
 * io.infertune.experiments.AdaptiveMeasurementBenchmark [--seeds 3] [--trials 12] ...} (see {@code
 * experiments/RESULTS.md}).
 */
public final class AdaptiveMeasurementBenchmark {
  static final int CLIENTS = 16;
  static final int DISTINCT_INPUTS = 20_000;
  static final double ZIPF_EXPONENT = 1.0;

  private final RuntimeAdapter runtime;
  private final Workload workload;
  private final Ticker ticker;
  private final Configuration start;
  private final SearchSpace space;
  private final Map<String, String> options;
  private final PrintStream out;

  AdaptiveMeasurementBenchmark(
      RuntimeAdapter runtime,
      Workload workload,
      Ticker ticker,
      Configuration start,
      SearchSpace space,
      Map<String, String> options,
      PrintStream out) {
    this.runtime = runtime;
    this.workload = workload;
    this.ticker = ticker;
    this.start = start;
    this.space = space;
    this.options = options;
    this.out = out;
  }

  /** The options and their defaults (about 8 minutes on 2 cores). */
  static Map<String, String> defaults() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("seeds", "3");
    o.put("trials", "12");
    o.put("strategy", "random");
    o.put("warmup-ms", "2000");
    o.put("window-ms", "4000");
    o.put("interval-ms", "250");
    o.put("min-window-ms", "1000");
    o.put("target", "0.05");
    o.put("stable", "4");
    o.put("tolerance", "0.05");
    o.put("remeasure", "0");
    o.put("verify-ms", "5000");
    o.put("verify-passes", "2");
    o.put("csv", "");
    return o;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = defaults();
    for (int i = 0; i < args.length; i++) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!options.containsKey(key) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: AdaptiveMeasurementBenchmark [--"
                + String.join(" X] [--", options.keySet())
                + " X]");
      }
      options.put(key, args[++i]);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    SearchSpace space =
        SearchSpace.of(
            Parameter.ordinal(EmbeddedRuntime.BATCH_SIZE, 1, 2, 4, 8, 16, 32, 64),
            Parameter.ordinal(EmbeddedRuntime.BATCH_TIMEOUT_MS, 0, 2, 8),
            Parameter.categorical(EmbeddedRuntime.QUANTIZATION, "fp32", "int8"),
            Parameter.ordinal(EmbeddedRuntime.CACHE_ENTRIES, 0, 256, 2048));
    Workload workload =
        Workloads.from(
            new WorkloadSpec(
                WorkloadSpec.Mode.CLOSED_LOOP,
                CLIENTS,
                100, // unused in closed loop
                DISTINCT_INPUTS,
                ZIPF_EXPONENT,
                1));
    try (EmbeddedRuntime runtime = EmbeddedRuntime.builder().build()) {
      Configuration start =
          runtime
              .defaults()
              .with(EmbeddedRuntime.INTRA_OP_THREADS, cores)
              .with(EmbeddedRuntime.REPLICAS, 1)
              .with(EmbeddedRuntime.THREAD_SPINNING, "off");
      new AdaptiveMeasurementBenchmark(
              runtime, workload, Ticker.system(), start, space, options, System.out)
          .run(cores);
    }
  }

  /** The two protocols under comparison. */
  List<Arm> arms() {
    Duration warmup = millis("warmup-ms");
    Duration window = millis("window-ms");
    Duration interval = millis("interval-ms");
    MeasurementSpec fixed = new MeasurementSpec(warmup, window, interval);
    MeasurementSpec adaptive =
        MeasurementSpec.builder()
            .warmup(warmup)
            .sampleInterval(interval)
            .adaptiveWindow(millis("min-window-ms"), window, number("target"))
            .stableWarmup(integer("stable"), number("tolerance"))
            .pruning(true)
            .remeasureIncumbentEvery(integer("remeasure"))
            .build();
    return List.of(new Arm("fixed", fixed), new Arm("adaptive", adaptive));
  }

  void run(int cores) throws Exception {
    Instant began = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    out.printf(
        Locale.ROOT,
        "# AdaptiveMeasurementBenchmark %s, %d cores, load average %s, options %s%n",
        began,
        cores,
        loadAverage(),
        options);
    List<Arm> arms = arms();
    List<CampaignResult> results = new ArrayList<>();
    int seeds = integer("seeds");
    for (long seed = 1; seed <= seeds; seed++) {
      List<Arm> order = seed % 2 == 1 ? arms : arms.reversed();
      for (Arm arm : order) {
        CampaignResult r = campaign(arm, seed);
        results.add(r);
        out.println("# " + r.line());
      }
    }
    Map<CampaignResult, Double> verified = verify(results);
    List<CampaignResult> done = new ArrayList<>();
    for (CampaignResult r : results) {
      done.add(r.withVerified(verified.get(r)));
    }
    out.println();
    out.println(table(done, arms));
    out.printf(
        Locale.ROOT,
        "%n# finished %s, load average %s%n",
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        loadAverage());
    String csv = options.get("csv");
    if (!csv.isEmpty()) {
      List<String> lines = new ArrayList<>();
      lines.add(CampaignResult.CSV_HEADER);
      done.forEach(r -> lines.add(r.csv()));
      Files.write(Path.of(csv), lines);
    }
  }

  /** One campaign of {@code arm} with the strategy seeded {@code seed}. */
  CampaignResult campaign(Arm arm, long seed) throws ApplyFailedException {
    runtime.apply(start);
    int trials = integer("trials");
    CampaignSpec spec =
        new CampaignSpec(
            arm.name() + "-" + seed,
            runtime.id(),
            space,
            Objective.maximize(Metrics.THROUGHPUT_RPS),
            List.of(),
            new StrategySpec(options.get("strategy"), seed),
            new Budget(trials + 1, Optional.empty()),
            arm.spec(),
            WorkloadSpec.closedLoop(CLIENTS, 1));
    MemoryTrialStore store = new MemoryTrialStore();
    Campaign campaign = Campaign.created(spec.name(), spec, "benchmark", ticker.now());
    store.createCampaign(campaign);
    AtomicLong lastTrialEnd = new AtomicLong();
    CampaignRunner[] runner = new CampaignRunner[1];
    runner[0] =
        CampaignRunner.builder()
            .store(store)
            .runtime(runtime)
            .strategies(new Strategies())
            .workload(workload)
            .ticker(ticker)
            .listener(
                new TuningListener() {
                  @Override
                  public void trialFinished(Trial t) {
                    lastTrialEnd.set(ticker.nanos());
                    // The last trial: stop here, so that the promotion (the same for both arms,
                    // and longer than a campaign of this size) is not part of what is compared.
                    if (t.number() >= trials) {
                      runner[0].stop();
                    }
                  }
                })
            .build();
    long begin = ticker.nanos();
    CampaignOutcome outcome = runner[0].run(campaign);
    double seconds = (lastTrialEnd.get() - begin) / 1e9;
    List<Trial> all = outcome.trials();
    for (Trial t : all) {
      out.printf(
          Locale.ROOT,
          "#   %s %d/%d %s: %s %.1f req/s in %.2f s%s%n",
          arm.name(),
          seed,
          t.number(),
          t.configuration().values().entrySet().stream()
              .filter(e -> space.find(e.getKey()).isPresent())
              .map(e -> e.getKey() + "=" + e.getValue())
              .toList(),
          t.status(),
          t.objectiveValue().orElse(Double.NaN),
          t.measurement().map(m -> m.window().toNanos() / 1e9).orElse(Double.NaN),
          t.reason().map(r -> " (" + r + ")").orElse(""));
    }
    Trial best = outcome.best().orElseThrow(() -> new IllegalStateException("no feasible trial"));
    double meanWindow =
        all.stream()
            .flatMap(t -> t.measurement().stream())
            .mapToDouble(m -> m.window().toNanos() / 1e9)
            .average()
            .orElse(Double.NaN);
    double meanWarmup =
        all.stream()
            .flatMap(t -> t.measurement().flatMap(Measurement::report).stream())
            .mapToDouble(r -> r.warmup().toNanos() / 1e9)
            .average()
            .orElse(Double.NaN);
    return new CampaignResult(
        arm.name(),
        seed,
        seconds,
        all.size(),
        count(all, TrialStatus.PRUNED),
        (int)
            all.stream()
                .flatMap(t -> t.measurement().flatMap(Measurement::report).stream())
                .filter(r -> r.end() == WindowReport.End.CONVERGED)
                .count(),
        count(all, TrialStatus.FAILED),
        meanWarmup,
        meanWindow,
        best.configuration(),
        best.objectiveValue().getAsDouble(),
        Double.NaN);
  }

  private static int count(List<Trial> trials, TrialStatus status) {
    return (int) trials.stream().filter(t -> t.status() == status).count();
  }

  /**
   * Every distinct best configuration measured again in the common protocol, {@code passes} times
   * in alternating order; the mean throughput by campaign. Campaigns that chose the same
   * configuration share its value: only a different choice can differ in quality.
   */
  Map<CampaignResult, Double> verify(List<CampaignResult> results)
      throws ApplyFailedException, MeasurementException, InterruptedException {
    MeasurementSpec verification =
        new MeasurementSpec(millis("warmup-ms"), millis("verify-ms"), millis("interval-ms"));
    Measurer measurer = new Measurer(ticker, Runtime.getRuntime().availableProcessors());
    List<Configuration> distinct = results.stream().map(CampaignResult::best).distinct().toList();
    Map<Configuration, List<Double>> values = new LinkedHashMap<>();
    int passes = integer("verify-passes");
    for (int pass = 1; pass <= passes; pass++) {
      for (Configuration c : pass % 2 == 1 ? distinct : distinct.reversed()) {
        runtime.apply(c);
        Measurement m = measurer.measure(runtime, workload, verification);
        values
            .computeIfAbsent(c, k -> new ArrayList<>())
            .add(m.value(Metrics.THROUGHPUT_RPS).orElse(Double.NaN));
      }
    }
    Map<CampaignResult, Double> mean = new LinkedHashMap<>();
    for (CampaignResult r : results) {
      mean.put(
          r,
          values.get(r.best()).stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }
    return mean;
  }

  /** The per-campaign rows, then per arm the medians over seeds, then the ratios. */
  static String table(List<CampaignResult> results, List<Arm> arms) {
    StringBuilder s = new StringBuilder();
    s.append(
        "| seed | arm | campaign s | trials | pruned | converged | mean warm-up s | mean window s |"
            + " best configuration | best as measured rps | best verified rps |\n");
    s.append("|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
    results.stream()
        .sorted(Comparator.comparingLong(CampaignResult::seed).thenComparing(CampaignResult::arm))
        .forEach(r -> s.append(r.row()).append('\n'));
    s.append('\n');
    s.append(
        "| arm | campaign s, median [min, max] | pruned per campaign | best verified rps, median"
            + " [min, max] |\n");
    s.append("|---|---:|---:|---:|\n");
    for (Arm arm : arms) {
      List<CampaignResult> mine = results.stream().filter(r -> r.arm().equals(arm.name())).toList();
      double[] time = mine.stream().mapToDouble(CampaignResult::seconds).toArray();
      double[] quality = mine.stream().mapToDouble(CampaignResult::verified).toArray();
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f [%.1f, %.1f] | %.1f | %.1f [%.1f, %.1f] |%n",
              arm.name(),
              median(time),
              min(time),
              max(time),
              mine.stream().mapToInt(CampaignResult::pruned).average().orElse(0),
              median(quality),
              min(quality),
              max(quality)));
    }
    if (arms.size() == 2) {
      String a = arms.get(0).name();
      String b = arms.get(1).name();
      List<Double> speedups = new ArrayList<>();
      List<Double> qualities = new ArrayList<>();
      int[] same = {0};
      for (CampaignResult x : results) {
        if (x.arm().equals(a)) {
          results.stream()
              .filter(y -> y.arm().equals(b) && y.seed() == x.seed())
              .findFirst()
              .ifPresent(
                  y -> {
                    speedups.add(x.seconds() / y.seconds());
                    qualities.add(y.verified() / x.verified());
                    same[0] += x.best().equals(y.best()) ? 1 : 0;
                  });
        }
      }
      double[] sp = speedups.stream().mapToDouble(Double::doubleValue).toArray();
      double[] q = qualities.stream().mapToDouble(Double::doubleValue).toArray();
      s.append(
          String.format(
              Locale.ROOT,
              "%nPer seed, %s time / %s time: median %.2f [%.2f, %.2f]; %s verified best / %s"
                  + " verified best: median %.3f [%.3f, %.3f]; the same best configuration in %d"
                  + " of %d seeds.%n",
              a,
              b,
              median(sp),
              min(sp),
              max(sp),
              b,
              a,
              median(q),
              min(q),
              max(q),
              same[0],
              sp.length));
    }
    return s.toString();
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }

  private Duration millis(String key) {
    return Duration.ofMillis(Long.parseLong(options.get(key)));
  }

  private int integer(String key) {
    return Integer.parseInt(options.get(key));
  }

  private double number(String key) {
    return Double.parseDouble(options.get(key));
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

  /** A named measurement protocol. */
  record Arm(String name, MeasurementSpec spec) {}

  /**
   * One campaign's result.
   *
   * @param seconds wall time from the campaign's start to the end of its last trial
   * @param converged trials whose window ended at the precision target
   * @param meanWarmup seconds of warm-up per measured trial
   * @param meanWindow seconds of window per measured trial
   * @param measured the campaign's own value of its best configuration (req/s)
   * @param verified the best configuration's mean in the verification protocol (req/s)
   */
  record CampaignResult(
      String arm,
      long seed,
      double seconds,
      int trials,
      int pruned,
      int converged,
      int failed,
      double meanWarmup,
      double meanWindow,
      Configuration best,
      double measured,
      double verified) {
    static final String CSV_HEADER =
        "seed,arm,seconds,trials,pruned,converged,failed,mean_warmup_s,mean_window_s,"
            + "best_configuration,best_measured_rps,best_verified_rps";

    CampaignResult withVerified(double v) {
      return new CampaignResult(
          arm,
          seed,
          seconds,
          trials,
          pruned,
          converged,
          failed,
          meanWarmup,
          meanWindow,
          best,
          measured,
          v);
    }

    /** The tuned knobs of the best configuration, compactly. */
    String knobs() {
      return String.format(
          Locale.ROOT,
          "b%d t%d %s c%d",
          best.getLong(EmbeddedRuntime.BATCH_SIZE),
          best.getLong(EmbeddedRuntime.BATCH_TIMEOUT_MS),
          best.getString(EmbeddedRuntime.QUANTIZATION),
          best.getLong(EmbeddedRuntime.CACHE_ENTRIES));
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "%s seed %d: %.1f s, %d trials (%d pruned, %d converged, %d failed), best %s at %.1f"
              + " req/s",
          arm,
          seed,
          seconds,
          trials,
          pruned,
          converged,
          failed,
          knobs(),
          measured);
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "| %d | %s | %.1f | %d | %d | %d | %.2f | %.2f | %s | %.1f | %.1f |",
          seed,
          arm,
          seconds,
          trials,
          pruned,
          converged,
          meanWarmup,
          meanWindow,
          knobs(),
          measured,
          verified);
    }

    String csv() {
      return String.format(
          Locale.ROOT,
          "%d,%s,%.3f,%d,%d,%d,%d,%.3f,%.3f,%s,%.2f,%.2f",
          seed,
          arm,
          seconds,
          trials,
          pruned,
          converged,
          failed,
          meanWarmup,
          meanWindow,
          knobs(),
          measured,
          verified);
    }
  }

  /** Trials of the benchmark's campaigns, in memory (nothing here needs them afterwards). */
  static final class MemoryTrialStore implements TrialStore {
    private final Map<String, Campaign> campaigns = new LinkedHashMap<>();
    private final Map<String, Trial> trials = new LinkedHashMap<>();
    private final List<Deployment> deployments = new ArrayList<>();

    @Override
    public synchronized void createCampaign(Campaign campaign) {
      campaigns.put(campaign.id(), campaign);
    }

    @Override
    public synchronized void updateCampaign(Campaign campaign) {
      campaigns.put(campaign.id(), campaign);
    }

    @Override
    public synchronized Optional<Campaign> campaign(String id) {
      return Optional.ofNullable(campaigns.get(id));
    }

    @Override
    public synchronized List<Campaign> campaigns() {
      return List.copyOf(campaigns.values());
    }

    @Override
    public synchronized void saveTrial(Trial trial) {
      trials.put(trial.id(), trial);
    }

    @Override
    public synchronized Optional<Trial> trial(String id) {
      return Optional.ofNullable(trials.get(id));
    }

    @Override
    public synchronized List<Trial> trials(String campaignId) {
      return trials.values().stream()
          .filter(t -> t.campaignId().equals(campaignId))
          .sorted(Comparator.comparingInt(Trial::number))
          .toList();
    }

    @Override
    public synchronized void recordDeployment(Deployment deployment) {
      deployments.add(deployment);
    }

    @Override
    public synchronized List<Deployment> deployments(String runtimeId) {
      return deployments.stream().filter(d -> d.runtimeId().equals(runtimeId)).toList();
    }

    @Override
    public void close() {}
  }
}
