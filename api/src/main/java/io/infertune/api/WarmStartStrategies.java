package io.infertune.api;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm start: makes the strategy of one campaign with the service's factory, then tells it the
 * trials of the runtime's earlier campaigns, so that a nightly re-tuning starts from what the
 * previous nights learnt instead of from nothing.
 *
 * <p>Which trials, and as what:
 *
 * <ul>
 *   <li>those of the runtime's ended campaigns, newest campaigns first, at most {@link
 *       #MAX_HISTORY_TRIALS}; told oldest first, in trial-number order;
 *   <li>only configurations inside the new campaign's space: every active parameter within its
 *       range, and every other knob at the value the new campaign keeps fixed (the runtime's
 *       current one), since a measurement under another fixed knob says nothing about this space;
 *   <li>measured trials (completed or infeasible) re-scored under the new campaign's objective and
 *       constraints, which may differ from those they were measured for; a trial without the
 *       objective's metric is left out; failed trials as they are, so that the strategy avoids
 *       their region; aborted and other trials are left out.
 * </ul>
 *
 * The history's measurements were taken under earlier traffic: they guide the search, but only the
 * new campaign's own trials compete to be pushed.
 *
 * @implNote {@link #create} reads the store on the campaign's thread, when the runner makes its
 *     strategy; the new campaign is then active, hence not ended, hence not in its own history.
 */
final class WarmStartStrategies implements StrategyFactory {
  /**
   * Most history trials told: a bayesian strategy refits its Gaussian process on every trial it
   * holds (cubic in their number; tens of milliseconds at 200), and older nights matter less.
   */
  static final int MAX_HISTORY_TRIALS = 200;

  private static final Logger log = LoggerFactory.getLogger(WarmStartStrategies.class);

  private final StrategyFactory base;
  private final TrialStore store;
  private final RuntimeAdapter runtime;

  WarmStartStrategies(StrategyFactory base, TrialStore store, RuntimeAdapter runtime) {
    this.base = base;
    this.store = store;
    this.runtime = runtime;
  }

  @Override
  public SearchStrategy create(String type, StrategyContext context) {
    SearchStrategy strategy = base.create(type, context);
    List<Trial> history = history();
    Configuration fixed = runtime.current();
    int told = 0;
    for (Trial t : history) {
      Optional<Trial> asTold = asTold(t, context, fixed);
      if (asTold.isPresent()) {
        strategy.tell(asTold.get());
        told++;
      }
    }
    log.info(
        "warm start on runtime {}: told the strategy {} of {} earlier trials",
        runtime.id(),
        told,
        history.size());
    return strategy;
  }

  /** The runtime's earlier trials, oldest first: the newest campaigns' up to the limit. */
  private List<Trial> history() {
    List<List<Trial>> newestFirst = new ArrayList<>();
    int count = 0;
    for (Campaign c : store.campaigns()) {
      if (count >= MAX_HISTORY_TRIALS) {
        break;
      }
      if (!c.spec().runtimeId().equals(runtime.id()) || !c.status().isFinal()) {
        continue;
      }
      List<Trial> trials = store.trials(c.id());
      List<Trial> kept = trials.subList(0, Math.min(trials.size(), MAX_HISTORY_TRIALS - count));
      newestFirst.add(kept);
      count += kept.size();
    }
    Collections.reverse(newestFirst);
    return newestFirst.stream().flatMap(List::stream).toList();
  }

  /**
   * An earlier trial as the new campaign's strategy should hear it; empty when it says nothing
   * about the new space.
   *
   * @param fixed the runtime's configuration, whose knobs outside the space the campaign keeps
   */
  static Optional<Trial> asTold(Trial t, StrategyContext context, Configuration fixed) {
    if (!inside(t.configuration(), context.space(), fixed)) {
      return Optional.empty();
    }
    if (t.status() == TrialStatus.FAILED) {
      return Optional.of(t);
    }
    if (t.status() != TrialStatus.COMPLETED && t.status() != TrialStatus.INFEASIBLE) {
      return Optional.empty();
    }
    if (t.measurement().isEmpty() || t.finishedAt().isEmpty()) {
      return Optional.empty();
    }
    Measurement m = t.measurement().get();
    OptionalDouble value = context.objective().valueIn(m);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    List<String> violations = new ArrayList<>();
    for (Constraint c : context.constraints()) {
      c.violation(m).ifPresent(violations::add);
    }
    return Optional.of(
        t.measured(
            m,
            value.getAsDouble(),
            violations.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", violations)),
            t.finishedAt().get()));
  }

  /**
   * Whether {@code c} is a configuration the new campaign could apply: its active parameters of
   * {@code space} in range, and its other knobs equal to {@code fixed}'s.
   */
  private static boolean inside(Configuration c, SearchSpace space, Configuration fixed) {
    Map<String, Object> tuned = new LinkedHashMap<>();
    for (Parameter p : space.parameters()) {
      Optional<Object> v = c.find(p.name());
      if (space.isActive(p, tuned) && v.isPresent()) {
        tuned.put(p.name(), v.get());
      }
    }
    if (!space.contains(new Configuration(tuned))) {
      return false;
    }
    for (Map.Entry<String, Object> knob : fixed.values().entrySet()) {
      if (space.find(knob.getKey()).isEmpty()
          && !c.find(knob.getKey()).equals(Optional.of(knob.getValue()))) {
        return false;
      }
    }
    return true;
  }
}
