package io.infertune.tuner.study;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.objective.ParetoFront;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ask/tell optimisation as a service: studies whose trials the caller evaluates itself.
 *
 * <p>Every suggestion is stored before it is returned and every completion before the strategy
 * learns it, so the store is the truth: a strategy is a cache, rebuilt after a restart (or an
 * eviction) by telling it the study's finished trials in the order they finished. A rebuilt
 * strategy has not seen the trials still pending; it is asked for extra configurations and those
 * equal to a pending one are skipped, so that a finite space is not suggested twice.
 *
 * <p>A live strategy stays exactly deterministic for its seed: the same suggestions and completions
 * in the same order give the same suggestions. Across a rebuild the order of asks and tells is not
 * replayed, so the sequence may differ from an uninterrupted run's (still valid and seeded).
 *
 * @implNote thread-safe: requests for one study are serialised on that study's entry; different
 *     studies run in parallel. At most {@code maxLiveStrategies} strategies are kept; the least
 *     recently used is closed (a genetic strategy holds a thread).
 */
public final class StudyService implements AutoCloseable {
  /** At most this many suggestions per request: a bayesian batch costs one GP fit per member. */
  public static final int MAX_SUGGESTIONS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(StudyService.class);

  private final StudyStore store;
  private final StrategyFactory strategies;
  private final Ticker ticker;
  private final Supplier<String> ids;
  private final int maxLiveStrategies;
  // Access order: the eldest entry is the least recently used. Guarded by itself.
  private final LinkedHashMap<String, Live> live = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * @param ids new study ids (e.g. random UUIDs); injected so that tests are reproducible
   * @param maxLiveStrategies how many studies keep their strategy in memory
   */
  public StudyService(
      StudyStore store,
      StrategyFactory strategies,
      Ticker ticker,
      Supplier<String> ids,
      int maxLiveStrategies) {
    this.store = Objects.requireNonNull(store, "store");
    this.strategies = Objects.requireNonNull(strategies, "strategies");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.ids = Objects.requireNonNull(ids, "ids");
    if (maxLiveStrategies < 1) {
      throw new IllegalArgumentException("maxLiveStrategies must be >= 1");
    }
    this.maxLiveStrategies = maxLiveStrategies;
  }

  /**
   * Creates a study.
   *
   * @throws StudyException INVALID at {@code strategy} when the strategy type is unknown or cannot
   *     serve the spec (e.g. a single-objective strategy given several objectives)
   */
  public Study create(StudySpec spec) {
    Study study = new Study(ids.get(), spec, ticker.now());
    SearchStrategy strategy = newStrategy(study);
    store.createStudy(study);
    return withLive(
        study.id(),
        l -> {
          if (l.strategy == null) {
            l.strategy = strategy;
            l.nextNumber = 0;
          } else {
            close(strategy);
          }
          return study;
        });
  }

  /**
   * @throws StudyException NOT_FOUND
   */
  public Study study(String studyId) {
    return store.study(studyId).orElseThrow(() -> unknownStudy(studyId));
  }

  /** All studies, newest first. */
  public List<Study> studies() {
    return store.studies();
  }

  /** A study's trials in number order. */
  public List<Trial> trials(String studyId) {
    study(studyId);
    return store.trials(studyId);
  }

  /**
   * Up to {@code count} new trials, RUNNING, stored; fewer (possibly none) only when a finite space
   * is exhausted.
   *
   * @throws StudyException INVALID at {@code count}, NOT_FOUND
   */
  public List<Trial> suggest(String studyId, int count) {
    if (count < 1 || count > MAX_SUGGESTIONS) {
      throw StudyException.invalid(
          "count", "count must be 1-" + MAX_SUGGESTIONS + ", got " + count);
    }
    return withLive(
        studyId,
        l -> {
          ensureStrategy(l);
          List<Configuration> configurations = ask(l, count);
          List<Trial> trials = new ArrayList<>(configurations.size());
          for (Configuration c : configurations) {
            trials.add(
                Trial.running(studyId, l.nextNumber + trials.size(), c, false, ticker.now()));
          }
          try {
            store.addTrials(trials);
          } catch (RuntimeException e) {
            // Another writer (a second service instance on the same database) took these numbers,
            // or the store failed: this strategy's view is stale either way.
            retireStrategy(l);
            throw e;
          }
          l.nextNumber += trials.size();
          return trials;
        });
  }

  /**
   * Records the outcome of a RUNNING trial and teaches the study's strategy.
   *
   * @return the finished trial: COMPLETED, INFEASIBLE (a constraint is violated) or FAILED
   * @throws StudyException NOT_FOUND (study or trial), CONFLICT (already finished), INVALID (an
   *     objective's value missing, a constraint's metric missing, a value not an objective)
   */
  public Trial complete(String studyId, String trialId, TrialOutcome outcome) {
    Objects.requireNonNull(outcome, "outcome");
    return withLive(
        studyId,
        l -> {
          Trial running =
              store
                  .trial(studyId, trialId)
                  .orElseThrow(
                      () ->
                          StudyException.notFound(
                              "study " + studyId + " has no trial '" + trialId + "'"));
          if (running.status().isFinal()) {
            throw alreadyFinished(running);
          }
          Trial finished = finish(l.study.spec(), running, outcome);
          if (!store.finishTrial(finished)) {
            throw alreadyFinished(store.trial(studyId, trialId).orElse(running));
          }
          if (l.strategy != null) {
            l.strategy.tell(finished);
            l.pending.remove(finished.configuration());
          }
          return finished;
        });
  }

  /**
   * The best trial (none while nothing feasible was measured) or, with several objectives, the
   * Pareto front of the feasible trials, in number order.
   */
  public List<Trial> best(String studyId) {
    StudySpec spec = study(studyId).spec();
    List<Trial> trials = store.trials(studyId);
    if (spec.multiObjective()) {
      return ParetoFront.of(trials, spec.objectives());
    }
    Objective objective = spec.objectives().get(0);
    return trials.stream()
        .filter(t -> t.status() == TrialStatus.COMPLETED && t.objectiveValue().isPresent())
        .reduce(
            (a, b) ->
                objective.better(b.objectiveValue().getAsDouble(), a.objectiveValue().getAsDouble())
                    ? b
                    : a)
        .map(List::of)
        .orElse(List.of());
  }

  /** What the study's live strategy reports about itself (empty when it is not in memory). */
  public Map<String, Object> strategyState(String studyId) {
    study(studyId);
    Live l;
    synchronized (live) {
      l = live.get(studyId);
    }
    if (l == null) {
      return Map.of();
    }
    synchronized (l) {
      return l.strategy == null ? Map.of() : Map.copyOf(l.strategy.state());
    }
  }

  @Override
  public void close() {
    List<Live> all;
    synchronized (live) {
      all = new ArrayList<>(live.values());
      live.clear();
    }
    all.forEach(this::retire);
  }

  // ------------------------------------------------------------------------------- internals

  /** One study's cached state; every field guarded by the entry's monitor. */
  private static final class Live {
    final Study study;
    SearchStrategy strategy;
    int nextNumber;
    // Configurations of trials that were RUNNING when the strategy was rebuilt (it never saw them).
    final Map<Configuration, Integer> pending = new HashMap<>();
    boolean retired;

    Live(Study study) {
      this.study = study;
    }
  }

  private <T> T withLive(String studyId, Function<Live, T> action) {
    while (true) {
      Live l = liveFor(studyId);
      synchronized (l) {
        if (!l.retired) {
          return action.apply(l);
        }
      }
      // Evicted between lookup and lock: look it up again.
    }
  }

  private Live liveFor(String studyId) {
    List<Live> evicted = new ArrayList<>();
    Live l;
    synchronized (live) {
      l = live.get(studyId);
      if (l == null) {
        l = new Live(study(studyId));
        live.put(studyId, l);
        Iterator<Live> eldest = live.values().iterator();
        while (live.size() > maxLiveStrategies) {
          evicted.add(eldest.next());
          eldest.remove();
        }
      }
    }
    evicted.forEach(this::retire);
    return l;
  }

  private void retire(Live l) {
    synchronized (l) {
      l.retired = true;
      retireStrategy(l);
    }
  }

  private static void retireStrategy(Live l) {
    if (l.strategy != null) {
      close(l.strategy);
      l.strategy = null;
    }
    l.pending.clear();
  }

  private void ensureStrategy(Live l) {
    if (l.strategy != null) {
      return;
    }
    SearchStrategy strategy = newStrategy(l.study);
    List<Trial> trials = store.trials(l.study.id());
    trials.stream()
        .filter(t -> t.status().isFinal())
        .sorted(
            Comparator.comparing((Trial t) -> t.finishedAt().orElseThrow())
                .thenComparingInt(Trial::number))
        .forEach(strategy::tell);
    l.pending.clear();
    for (Trial t : trials) {
      if (!t.status().isFinal()) {
        l.pending.merge(t.configuration(), 1, Integer::sum);
      }
    }
    l.nextNumber = trials.stream().mapToInt(Trial::number).max().orElse(-1) + 1;
    l.strategy = strategy;
    LOG.debug("study {}: strategy rebuilt from {} trials", l.study.id(), trials.size());
  }

  private static List<Configuration> ask(Live l, int count) {
    if (l.pending.isEmpty()) {
      return l.strategy.ask(count);
    }
    int extra = l.pending.values().stream().mapToInt(Integer::intValue).sum();
    List<Configuration> out = new ArrayList<>(count);
    for (Configuration c : l.strategy.ask(count + extra)) {
      Integer n = l.pending.get(c);
      if (n != null) {
        // Already suggested before the rebuild and not yet finished: the strategy now knows it.
        if (n == 1) {
          l.pending.remove(c);
        } else {
          l.pending.put(c, n - 1);
        }
      } else if (out.size() < count) {
        out.add(c);
      }
    }
    return out;
  }

  private SearchStrategy newStrategy(Study study) {
    StudySpec spec = study.spec();
    try {
      return strategies.create(
          spec.strategy().type(),
          new StrategyContext(
              spec.space(),
              spec.objectives(),
              spec.constraints(),
              spec.strategy().seed(),
              spec.expectedTrials()));
    } catch (IllegalArgumentException e) {
      throw StudyException.invalid("strategy", e.getMessage());
    }
  }

  private Trial finish(StudySpec spec, Trial running, TrialOutcome outcome) {
    return switch (outcome) {
      case TrialOutcome.Failed f -> running.ended(TrialStatus.FAILED, f.reason(), ticker.now());
      case TrialOutcome.Measured m -> measured(spec, running, m);
    };
  }

  private Trial measured(StudySpec spec, Trial running, TrialOutcome.Measured m) {
    for (Objective o : spec.objectives()) {
      if (!m.values().containsKey(o.metric())) {
        throw StudyException.invalid(
            "values." + o.metric(), "values." + o.metric() + " is required (an objective)");
      }
    }
    for (String name : m.values().keySet()) {
      if (spec.objectives().stream().noneMatch(o -> o.metric().equals(name))) {
        throw StudyException.invalid(
            "values." + name,
            "values." + name + " is not an objective of this study; report it under metrics");
      }
    }
    for (Constraint c : spec.constraints()) {
      if (!m.values().containsKey(c.metric()) && !m.metrics().containsKey(c.metric())) {
        throw StudyException.invalid(
            "metrics." + c.metric(),
            "metrics." + c.metric() + " is required (a constraint bounds it)");
      }
    }
    var summaries = new LinkedHashMap<String, MetricSummary>();
    m.values().forEach((k, v) -> summaries.put(k, MetricSummary.ofValue(v)));
    m.metrics().forEach((k, v) -> summaries.put(k, MetricSummary.ofValue(v)));
    // The caller's evaluation has no window we know of.
    Measurement measurement = new Measurement(summaries, Duration.ZERO);
    List<String> violations = new ArrayList<>();
    for (Constraint c : spec.constraints()) {
      c.violation(measurement).ifPresent(violations::add);
    }
    Optional<String> violation =
        violations.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", violations));
    double primary = m.values().get(spec.objectives().get(0).metric());
    return running.measured(measurement, primary, violation, ticker.now());
  }

  private static StudyException unknownStudy(String studyId) {
    return StudyException.notFound("no study '" + studyId + "'");
  }

  private static StudyException alreadyFinished(Trial t) {
    return StudyException.conflict(
        "trial " + t.id() + " is already " + t.status().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static void close(SearchStrategy strategy) {
    if (strategy instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing a strategy failed", e);
      }
    }
  }
}
