package io.infertune.experiments.bench;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Drives one strategy on one landscape through the real ask/tell API: {@code ask(1)}, evaluate,
 * build the {@link Trial} the campaign runner would ({@code Trial.running(...).measured(...)} with
 * a {@link Measurement} of {@link MetricSummary#ofValue} summaries, or {@code .ended(FAILED,
 * reason)}), {@code tell}, until the budget is spent or the strategy has nothing left to ask.
 *
 * @implNote stateless apart from its injected factory and clock; thread-safe if those are. The
 *     noise of a run is drawn from a generator seeded from the run's seed, independent of the
 *     strategy's own randomness; trial timestamps are synthetic (one second apart) so runs are
 *     reproducible.
 */
public final class BenchmarkDriver {
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  private static final long NOISE_SALT = 0x5DEECE66DL;

  private final StrategyFactory strategies;
  private final LongSupplier nanoClock;

  /**
   * @param nanoClock the clock that times {@code ask} ({@code System::nanoTime} outside tests)
   */
  public BenchmarkDriver(StrategyFactory strategies, LongSupplier nanoClock) {
    this.strategies = Objects.requireNonNull(strategies, "strategies");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** One run of {@code strategy} on {@code landscape} with {@code seed} and {@code budget}. */
  public RunResult run(String strategy, Landscape landscape, long seed, int budget) {
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be >= 1");
    }
    Objective objective = landscape.objective();
    List<Constraint> constraints = landscape.constraints();
    StrategyContext context =
        new StrategyContext(landscape.space(), objective, constraints, seed, budget);
    SearchStrategy s = strategies.create(strategy, context);
    SplittableRandom noise = new SplittableRandom(seed ^ NOISE_SALT);
    double[] best = new double[budget];
    long[] askNanos = new long[budget];
    double incumbent = Double.NaN;
    int failed = 0;
    int infeasible = 0;
    int k = 0;
    try {
      for (; k < budget; k++) {
        long t0 = nanoClock.getAsLong();
        List<Configuration> asked = s.ask(1);
        askNanos[k] = nanoClock.getAsLong() - t0;
        if (asked.isEmpty()) {
          break;
        }
        Configuration c = asked.get(0);
        Landscape.Outcome outcome = landscape.evaluate(c, noise);
        Trial done = trial(landscape, k, c, outcome);
        switch (done.status()) {
          case FAILED -> failed++;
          case INFEASIBLE -> infeasible++;
          case RUNNING, ABORTED -> throw new IllegalStateException("unfinished " + done);
          case COMPLETED -> {
            double truth = ((Landscape.Outcome.Measured) outcome).truth();
            if (Double.isNaN(incumbent) || objective.better(truth, incumbent)) {
              incumbent = truth;
            }
          }
        }
        best[k] = incumbent;
        s.tell(done);
      }
    } finally {
      if (s instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing " + strategy + ": " + e.getMessage(), e);
        }
      }
    }
    return new RunResult(
        strategy,
        landscape.name(),
        seed,
        Arrays.copyOf(best, k),
        Arrays.copyOf(askNanos, k),
        failed,
        infeasible);
  }

  /**
   * The trial the campaign runner would record for {@code outcome}: {@code
   * Trial.running(...).measured(...)} with a {@link Measurement} of {@link MetricSummary#ofValue}
   * summaries (INFEASIBLE when a constraint is violated), or {@code .ended(FAILED, reason)}.
   * Timestamps are synthetic: trial {@code number} starts {@code 2 × number} seconds after an epoch
   * and lasts one second.
   */
  public static Trial trial(
      Landscape landscape, int number, Configuration c, Landscape.Outcome outcome) {
    Objective objective = landscape.objective();
    Instant start = EPOCH.plusSeconds(2L * number);
    Instant end = start.plusSeconds(1);
    Trial running = Trial.running("bench", number, c, false, start);
    return switch (outcome) {
      case Landscape.Outcome.Failed f -> running.ended(TrialStatus.FAILED, f.reason(), end);
      case Landscape.Outcome.Measured m -> {
        Map<String, MetricSummary> metrics = new HashMap<>();
        m.metrics().forEach((name, v) -> metrics.put(name, MetricSummary.ofValue(v)));
        metrics.put(objective.metric(), MetricSummary.ofValue(m.observed()));
        Measurement measurement = new Measurement(metrics, Duration.ofSeconds(1));
        Optional<String> violation =
            landscape.constraints().stream()
                .map(con -> con.violation(measurement))
                .flatMap(Optional::stream)
                .findFirst();
        yield running.measured(measurement, m.observed(), violation, end);
      }
    };
  }
}
