package io.infertune.experiments;

import io.infertune.strategies.BayesianSearch;
import io.infertune.strategies.RandomSearch;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * How long {@code BayesianSearch.ask(1)} takes once 50, 100 and 200 trials have been told, on a
 * 6-parameter mixed space (an ordinal, two categoricals, a log-scaled integer, two integers) like
 * the embedded runtime's knobs, with the default options.
 *
 * <p>For each size: a fresh strategy is told that many trials (a warm start from history, at
 * uniformly random configurations with a synthetic noisy throughput), then {@code rounds} rounds of
 * ask and tell are run, and the time of each {@code ask} is recorded. The first ask after the warm
 * start pays for a full hyper-parameter fit with restarts and is reported apart ("cold"); the
 * rounds include the periodic warm-started refits (every {@code refitInterval} trials beyond {@code
 * refitEveryTrialUpTo}), so the p90 shows them and the median does not. A short run at 30 trials
 * first warms up the JIT.
 *
 * <p>Not a test: numbers depend on the machine and on what else runs on it. Run with {@code mvn -pl
 * search-strategies install -DskipTests && mvn -pl experiments compile exec:java
 * -Dexec.mainClass=io.infertune.experiments.AskLatencyBenchmark [-Dexec.args="ROUNDS SEED"]}.
 */
public final class AskLatencyBenchmark {
  private static final int[] TOLD = {50, 100, 200};
  private static final Objective OBJECTIVE = Objective.maximize("throughput_rps");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final int rounds;
  private final long seed;
  private final PrintStream out;

  AskLatencyBenchmark(int rounds, long seed, PrintStream out) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    this.rounds = rounds;
    this.seed = seed;
    this.out = out;
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    new AskLatencyBenchmark(rounds, seed, System.out).run();
  }

  /** A space shaped like the embedded runtime's knobs. */
  static SearchSpace space() {
    return SearchSpace.of(
        Parameter.ordinal("batch_size", 1, 2, 4, 8, 16, 32, 64, 128),
        Parameter.categorical("quantization", "fp32", "int8"),
        Parameter.logInteger("cache_entries", 1, 100_000),
        Parameter.integer("batch_timeout_ms", 0, 50),
        Parameter.integer("intra_op_threads", 1, 8),
        Parameter.categorical("thread_spinning", "on", "off"));
  }

  /** A synthetic throughput: smooth in each knob, with interactions and 2 % noise. */
  static double throughput(Configuration c, SplittableRandom noise) {
    double batch = Math.log(((Number) c.get("batch_size")).doubleValue()) / Math.log(128);
    double cache = Math.log(c.getLong("cache_entries")) / Math.log(100_000);
    double timeout = c.getLong("batch_timeout_ms") / 50.0;
    double threads = c.getLong("intra_op_threads") / 8.0;
    boolean int8 = c.getString("quantization").equals("int8");
    boolean spinning = c.getString("thread_spinning").equals("on");
    double v =
        100
            * (int8 ? 2.5 : 1)
            * (1 + 3 * batch - 2 * batch * batch)
            * (1 + 0.5 * cache)
            * (1 - 0.6 * (timeout - 0.2 * batch) * (timeout - 0.2 * batch))
            * (0.5 + threads - 0.6 * threads * threads)
            * (spinning ? 0.9 : 1);
    return v * (1 + 0.02 * noise.nextGaussian());
  }

  /** Ask latencies, in milliseconds, for one size. */
  record Result(int told, double coldMs, double[] roundsMs, int refits, Map<String, Object> state) {
    double percentile(double p) {
      double[] s = roundsMs.clone();
      Arrays.sort(s);
      int rank = (int) Math.ceil(p / 100 * s.length);
      return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
  }

  void run() {
    measure(30, Math.min(rounds, 10)); // JIT warm-up, not reported
    out.printf(
        Locale.ROOT,
        "BayesianSearch.ask(1) on a 6-parameter mixed space, default options, %d rounds%n",
        rounds);
    out.printf(
        Locale.ROOT,
        "%6s %9s %10s %8s %8s %8s %9s%n",
        "told",
        "cold ms",
        "median ms",
        "p90 ms",
        "max ms",
        "refits",
        "noise");
    for (int told : TOLD) {
      Result r = measure(told, rounds);
      out.printf(
          Locale.ROOT,
          "%6d %9.1f %10.1f %8.1f %8.1f %8d %9.2g%n",
          r.told(),
          r.coldMs(),
          r.percentile(50),
          r.percentile(90),
          r.percentile(100),
          r.refits(),
          ((Number) r.state().getOrDefault("noiseVariance", Double.NaN)).doubleValue());
    }
  }

  Result measure(int told, int rounds) {
    SearchSpace space = space();
    StrategyContext context =
        new StrategyContext(space, OBJECTIVE, List.of(), seed, told + rounds + 1);
    SplittableRandom noise = new SplittableRandom(seed);
    BayesianSearch bayes = new BayesianSearch(context);
    SearchStrategy history = new RandomSearch(context);
    int number = 0;
    for (Configuration c : history.ask(told)) {
      bayes.tell(trial(number++, c, throughput(c, noise)));
    }
    long start = System.nanoTime();
    Configuration first = bayes.ask(1).get(0);
    double cold = (System.nanoTime() - start) / 1e6;
    bayes.tell(trial(number++, first, throughput(first, noise)));
    double[] ms = new double[rounds];
    int refits = 0;
    Object fittedAt = bayes.state().get("fittedAt");
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      Configuration c = bayes.ask(1).get(0);
      ms[i] = (System.nanoTime() - t) / 1e6;
      Object now = bayes.state().get("fittedAt");
      refits += now.equals(fittedAt) ? 0 : 1;
      fittedAt = now;
      bayes.tell(trial(number++, c, throughput(c, noise)));
    }
    return new Result(told, cold, ms, refits, bayes.state());
  }

  private static Trial trial(int number, Configuration c, double value) {
    Measurement m =
        new Measurement(
            Map.of("throughput_rps", MetricSummary.ofValue(value)), Duration.ofSeconds(10));
    return Trial.running("bench", number, c, false, T0).measured(m, value, Optional.empty(), T0);
  }
}
