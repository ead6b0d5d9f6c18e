package io.infertune.strategies;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Synthetic landscapes and a driver for the behaviour tests of the model-based strategies. */
final class Landscapes {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Landscapes() {}

  /** What a configuration measures: its metrics, or empty for a failed trial. */
  interface Landscape extends Function<Configuration, Optional<Map<String, Double>>> {}

  /**
   * The Branin function on the unit square (x1 = 15u − 5, x2 = 15v), to be minimised: global
   * minimum 0.397887 at three points.
   */
  static double branin(double u, double v) {
    double x1 = 15 * u - 5;
    double x2 = 15 * v;
    double a = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
    return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  }

  static StrategyContext context(
      SearchSpace space, Objective objective, List<Constraint> constraints, long seed, int max) {
    return new StrategyContext(space, objective, constraints, seed, max);
  }

  /**
   * Runs {@code trials} rounds of ask(1)/tell, judging feasibility by {@code constraints}; returns
   * the trials in order.
   */
  static List<Trial> run(
      SearchStrategy s,
      Objective objective,
      List<Constraint> constraints,
      Landscape landscape,
      int trials) {
    List<Trial> out = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      List<Configuration> batch = s.ask(1);
      if (batch.isEmpty()) {
        break;
      }
      Trial t = measure(i, batch.get(0), objective, constraints, landscape);
      s.tell(t);
      out.add(t);
    }
    return out;
  }

  static Trial measure(
      int number,
      Configuration c,
      Objective objective,
      List<Constraint> constraints,
      Landscape landscape) {
    Trial running = Trial.running("c", number, c, false, T0);
    Optional<Map<String, Double>> metrics = landscape.apply(c);
    if (metrics.isEmpty()) {
      return running.ended(TrialStatus.FAILED, "crash", T0);
    }
    Map<String, MetricSummary> summaries = new LinkedHashMap<>();
    metrics.get().forEach((k, v) -> summaries.put(k, MetricSummary.ofValue(v)));
    Measurement m = new Measurement(summaries, Duration.ofSeconds(1));
    Optional<String> violation = Optional.empty();
    for (Constraint k : constraints) {
      violation = violation.or(() -> k.violation(m));
    }
    return running.measured(m, objective.valueIn(m).orElseThrow(), violation, T0);
  }

  /** The best feasible objective value in the first {@code k} trials (NaN if none). */
  static double bestSoFar(List<Trial> trials, Objective objective, int k) {
    double best = Double.NaN;
    for (Trial t : trials.subList(0, Math.min(k, trials.size()))) {
      if (t.feasible()) {
        double v = t.objectiveValue().getAsDouble();
        if (Double.isNaN(best) || objective.better(v, best)) {
          best = v;
        }
      }
    }
    return best;
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
