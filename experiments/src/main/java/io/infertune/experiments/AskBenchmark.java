package io.infertune.experiments;

import io.infertune.experiments.bench.BenchmarkDriver;
import io.infertune.experiments.bench.Landscape;
import io.infertune.experiments.bench.Landscapes;
import io.infertune.strategies.StrategyType;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: how long {@code ask(1)} of the {@code bayesian} strategy (default options, built through
 * {@link StrategyType}) takes once {@link #told} trials have been told, on a benchmark landscape:
 * {@code serving} (four mixed parameters, a latency constraint and a crashing region, so three
 * Gaussian processes) and {@code hartmann6} (six continuous parameters, one process).
 *
 * <p>Only {@code ask(1)} is timed. Around it, untimed: a fresh strategy is warm-started with {@link
 * #told} trials at uniformly random configurations evaluated on the landscape (as a campaign
 * resumed from history would be), then asked and told once, since that first ask after a warm start
 * pays for a full hyper-parameter fit with restarts (a once-per-campaign cost, about 0.5 s at 200
 * trials). Each timed ask is then told its outcome, as in a campaign, so the samples include the
 * periodic warm refits (every {@code refitInterval} = 5 trials beyond 30): the median is an ask
 * between refits, the p90 a refit. After {@link #ASKS_PER_STRATEGY} timed asks the strategy is
 * rebuilt, so every sample is taken with between {@code told + 1} and {@code told +
 * ASKS_PER_STRATEGY} trials told.
 *
 * <p>Not a test: numbers depend on the machine and its load. Run (about 3 minutes):
 *
 * <pre>{@code
 * mvn -B -q -o -pl experiments compile
 * mvn -B -q -o -pl experiments dependency:build-classpath -Dmdep.outputFile=/tmp/exp-cp.txt
 * java -cp experiments/target/classes:$(cat /tmp/exp-cp.txt) org.openjdk.jmh.Main AskBenchmark
 * }</pre>
 *
 * JMH options override the annotations (e.g. {@code -p told=200 -p landscape=serving}, {@code -rf
 * csv -rff ask.csv}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 4, time = 5)
@State(Scope.Thread)
public class AskBenchmark {
  /**
   * Timed asks per warm-started strategy: two refit intervals, so about one in five samples is an
   * ask that refits (each process keeps its own schedule).
   */
  static final int ASKS_PER_STRATEGY = 10;

  /** A landscape of {@link Landscapes}. */
  @Param({"serving", "hartmann6"})
  public String landscape;

  /** Trials told before the timed asks. */
  @Param({"50", "100", "200"})
  public int told;

  private Landscape problem;
  private SplittableRandom random;
  SearchStrategy strategy;
  private int number;
  private int asksLeft;
  private Configuration asked;

  /** Chooses the landscape; the seeds are fixed so runs are comparable. */
  @Setup(Level.Trial)
  public void chooseLandscape() {
    problem = Landscapes.create(landscape);
    random = new SplittableRandom(1);
  }

  /** Rebuilds the warm-started strategy when the current one has served its asks (untimed). */
  @Setup(Level.Invocation)
  public void strategyWithHistory() {
    if (asksLeft > 0) {
      return;
    }
    strategy = warmStarted(problem, told, random.nextLong());
    number = told;
    tell(strategy.ask(1).get(0)); // the cold full fit, not what is measured
    asksLeft = ASKS_PER_STRATEGY;
  }

  /** The measured operation. */
  @Benchmark
  public Configuration ask() {
    asked = strategy.ask(1).get(0);
    return asked;
  }

  /** Tells the timed ask's outcome (untimed), as a campaign would before its next ask. */
  @TearDown(Level.Invocation)
  public void tellOutcome() {
    tell(asked);
    asksLeft--;
  }

  private void tell(Configuration c) {
    strategy.tell(BenchmarkDriver.trial(problem, number++, c, problem.evaluate(c, random)));
  }

  /**
   * A {@code bayesian} strategy told {@code told} trials at uniformly random configurations of
   * {@code problem}'s space (drawn by the {@code random} strategy with {@code seed}).
   */
  static SearchStrategy warmStarted(Landscape problem, int told, long seed) {
    StrategyContext context =
        new StrategyContext(
            problem.space(),
            problem.objective(),
            problem.constraints(),
            seed,
            told + ASKS_PER_STRATEGY + 1);
    SearchStrategy bayes = StrategyType.BAYESIAN.create(context);
    SplittableRandom noise = new SplittableRandom(seed);
    List<Configuration> history = StrategyType.RANDOM.create(context).ask(told);
    for (int k = 0; k < history.size(); k++) {
      Configuration c = history.get(k);
      bayes.tell(BenchmarkDriver.trial(problem, k, c, problem.evaluate(c, noise)));
    }
    return bayes;
  }
}
