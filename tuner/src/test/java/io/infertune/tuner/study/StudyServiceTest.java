package io.infertune.tuner.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.testkit.InMemoryStudyStore;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StudyServiceTest {
  /** 3 × 2 = 6 configurations: small enough to exhaust. */
  private static final SearchSpace SPACE =
      SearchSpace.of(Parameter.ordinal("batch", 1L, 2L, 4L), Parameter.categorical("q", "a", "b"));

  private final ManualTicker ticker = new ManualTicker();
  private final InMemoryStudyStore store = new InMemoryStudyStore();
  private final List<Enumerating> created = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final StrategyFactory factory =
      (type, context) -> {
        if (!type.equals("enumerate")) {
          throw new IllegalArgumentException("unknown strategy type '" + type + "'");
        }
        var s = new Enumerating(context);
        created.add(s);
        return s;
      };
  private StudyService service;

  @BeforeEach
  void start() {
    service = newService(16);
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private StudyService newService(int maxLive) {
    return new StudyService(store, factory, ticker, () -> "s" + ids.incrementAndGet(), maxLive);
  }

  private static StudySpec spec(List<Objective> objectives, List<Constraint> constraints) {
    return new StudySpec(
        "study", SPACE, objectives, constraints, new StrategySpec("enumerate", 7), 10);
  }

  private static StudySpec minimizeLatency() {
    return spec(List.of(Objective.minimize("latency")), List.of());
  }

  private static TrialOutcome values(Map<String, Double> values) {
    return new TrialOutcome.Measured(values, Map.of());
  }

  @Test
  void createsStoresAndSuggestsNumberedRunningTrials() {
    Study study = service.create(minimizeLatency());

    assertThat(store.study(study.id())).contains(study);
    List<Trial> trials = service.suggest(study.id(), 2);

    assertThat(trials).extracting(Trial::number).containsExactly(0, 1);
    assertThat(trials).extracting(Trial::id).containsExactly(study.id() + "-0", study.id() + "-1");
    assertThat(trials).allMatch(t -> t.status() == TrialStatus.RUNNING);
    assertThat(store.trials(study.id())).isEqualTo(trials);
    assertThat(service.suggest(study.id(), 1)).extracting(Trial::number).containsExactly(2);
  }

  @Test
  void refusesAnUnknownStrategyWithoutStoringAStudy() {
    var spec =
        new StudySpec(
            "x",
            SPACE,
            List.of(Objective.minimize("m")),
            List.of(),
            new StrategySpec("nope", 1),
            5);

    assertThatThrownBy(() -> service.create(spec))
        .isInstanceOfSatisfying(
            StudyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(StudyException.Kind.INVALID);
              assertThat(e.field()).isEqualTo("strategy");
              assertThat(e.getMessage()).contains("nope");
            });
    assertThat(store.studies()).isEmpty();
  }

  @Test
  void unknownStudiesAndTrialsAreNotFound() {
    Study study = service.create(minimizeLatency());
    Trial mine = service.suggest(study.id(), 1).get(0);
    Study other = service.create(minimizeLatency());

    assertKind(() -> service.suggest("missing", 1), StudyException.Kind.NOT_FOUND);
    assertKind(() -> service.trials("missing"), StudyException.Kind.NOT_FOUND);
    assertKind(
        () -> service.complete(study.id(), "nope", values(Map.of("latency", 1.0))),
        StudyException.Kind.NOT_FOUND);
    // A trial is found only through its own study.
    assertKind(
        () -> service.complete(other.id(), mine.id(), values(Map.of("latency", 1.0))),
        StudyException.Kind.NOT_FOUND);
  }

  @Test
  void suggestionCountIsBounded() {
    Study study = service.create(minimizeLatency());

    for (int bad : new int[] {0, -1, StudyService.MAX_SUGGESTIONS + 1}) {
      assertThatThrownBy(() -> service.suggest(study.id(), bad))
          .isInstanceOfSatisfying(
              StudyException.class, e -> assertThat(e.field()).isEqualTo("count"));
    }
  }

  @Test
  void completingTeachesTheStrategyOnceAndASecondCompletionConflicts() {
    Study study = service.create(minimizeLatency());
    Trial t = service.suggest(study.id(), 1).get(0);
    ticker.advance(Duration.ofSeconds(5));

    Trial done = service.complete(study.id(), t.id(), values(Map.of("latency", 12.5)));

    assertThat(done.status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(done.objectiveValue()).hasValue(12.5);
    assertThat(done.finishedAt()).contains(ticker.now());
    assertThat(store.trial(study.id(), t.id())).contains(done);
    assertThat(created.get(0).told).containsExactly(done);
    assertKind(
        () -> service.complete(study.id(), t.id(), values(Map.of("latency", 1.0))),
        StudyException.Kind.CONFLICT);
    assertKind(
        () -> service.complete(study.id(), t.id(), new TrialOutcome.Failed("oom")),
        StudyException.Kind.CONFLICT);
    assertThat(created.get(0).told).hasSize(1);
  }

  @Test
  void failedTrialsAreRecordedWithTheirReasonAndTold() {
    Study study = service.create(minimizeLatency());
    Trial t = service.suggest(study.id(), 1).get(0);

    Trial failed = service.complete(study.id(), t.id(), new TrialOutcome.Failed("CUDA OOM"));

    assertThat(failed.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(failed.reason()).contains("CUDA OOM");
    assertThat(created.get(0).told).containsExactly(failed);
    assertThat(service.best(study.id())).isEmpty();
  }

  @Test
  void outcomesMustMatchTheStudysObjectivesAndConstraints() {
    Study study =
        service.create(
            spec(List.of(Objective.minimize("latency")), List.of(Constraint.atLeast("acc", 0.9))));
    Trial t = service.suggest(study.id(), 1).get(0);

    assertInvalidAt(
        () -> service.complete(study.id(), t.id(), values(Map.of("acc", 0.95))), "values.latency");
    assertInvalidAt(
        () ->
            service.complete(
                study.id(), t.id(), values(Map.of("latency", 3.0, "acc", 0.95, "x", 1.0))),
        "values.acc");
    assertInvalidAt(
        () -> service.complete(study.id(), t.id(), values(Map.of("latency", 3.0))), "metrics.acc");
    assertThat(store.trial(study.id(), t.id()).orElseThrow().status())
        .isEqualTo(TrialStatus.RUNNING);
  }

  @Test
  void aViolatedConstraintMakesTheTrialInfeasible() {
    Study study =
        service.create(
            spec(List.of(Objective.minimize("latency")), List.of(Constraint.atLeast("acc", 0.9))));
    List<Trial> trials = service.suggest(study.id(), 2);

    Trial bad =
        service.complete(
            study.id(),
            trials.get(0).id(),
            new TrialOutcome.Measured(Map.of("latency", 1.0), Map.of("acc", 0.5)));
    Trial good =
        service.complete(
            study.id(),
            trials.get(1).id(),
            new TrialOutcome.Measured(Map.of("latency", 9.0), Map.of("acc", 0.95)));

    assertThat(bad.status()).isEqualTo(TrialStatus.INFEASIBLE);
    assertThat(bad.reason().orElseThrow()).contains("acc");
    assertThat(bad.measurement().orElseThrow().value("acc")).hasValue(0.5);
    assertThat(good.status()).isEqualTo(TrialStatus.COMPLETED);
    // The infeasible trial's lower latency does not make it the best.
    assertThat(service.best(study.id())).containsExactly(good);
  }

  @Test
  void bestFollowsTheDirection() {
    Study min = service.create(minimizeLatency());
    Study max = service.create(spec(List.of(Objective.maximize("latency")), List.of()));
    for (Study s : List.of(min, max)) {
      List<Trial> trials = service.suggest(s.id(), 3);
      double[] latencies = {5, 2, 9};
      for (int i = 0; i < 3; i++) {
        service.complete(s.id(), trials.get(i).id(), values(Map.of("latency", latencies[i])));
      }
    }

    assertThat(service.best(min.id()).get(0).objectiveValue()).hasValue(2.0);
    assertThat(service.best(max.id()).get(0).objectiveValue()).hasValue(9.0);
  }

  @Test
  void severalObjectivesGiveTheParetoFront() {
    Study study =
        service.create(
            spec(
                List.of(Objective.maximize("throughput"), Objective.minimize("latency")),
                List.of()));
    List<Trial> trials = service.suggest(study.id(), 4);
    double[][] points = {{100, 10}, {200, 20}, {150, 25}, {50, 5}};
    for (int i = 0; i < 4; i++) {
      service.complete(
          study.id(),
          trials.get(i).id(),
          values(Map.of("throughput", points[i][0], "latency", points[i][1])));
    }

    // (150, 25) is dominated by (200, 20); the others trade throughput for latency.
    assertThat(service.best(study.id())).extracting(Trial::number).containsExactly(0, 1, 3);
    assertThat(store.trial(study.id(), trials.get(1).id()).orElseThrow().objectiveValue())
        .hasValue(200.0);
  }

  @Test
  void aRestartedServiceRebuildsTheStrategyAndNeverResuggestsAPendingTrial() {
    Study study = service.create(minimizeLatency());
    List<Trial> first = service.suggest(study.id(), 3);
    service.complete(study.id(), first.get(0).id(), values(Map.of("latency", 4.0)));
    service.close();

    service = newService(16);
    List<Trial> next = service.suggest(study.id(), 2);

    Enumerating rebuilt = created.get(created.size() - 1);
    assertThat(rebuilt.told).extracting(Trial::id).containsExactly(first.get(0).id());
    assertThat(next).extracting(Trial::number).containsExactly(3, 4);
    Set<Configuration> suggested = new HashSet<>();
    for (Trial t : service.trials(study.id())) {
      assertThat(suggested.add(t.configuration())).as("suggested twice: %s", t).isTrue();
    }
    // A trial suggested before the restart completes after it.
    service.complete(study.id(), first.get(1).id(), values(Map.of("latency", 1.0)));
    assertThat(rebuilt.told).hasSize(2);
    assertThat(service.suggest(study.id(), 10)).hasSize(1); // 6 in all: 5 suggested, 1 left
  }

  @Test
  void evictedStrategiesAreClosedAndRebuiltOnDemand() {
    service.close();
    service = newService(1);
    Study a = service.create(minimizeLatency());
    service.suggest(a.id(), 1);
    Study b = service.create(minimizeLatency());
    service.suggest(b.id(), 1);

    assertThat(created.get(0).closed).isTrue();
    assertThat(service.suggest(a.id(), 1)).extracting(Trial::number).containsExactly(1);
    assertThat(created.get(1).closed).isTrue();
    assertThat(service.strategyState(a.id())).containsEntry("told", 0);
  }

  @Test
  void concurrentCompletionsOfOneTrialRecordOne() throws Exception {
    Study study = service.create(minimizeLatency());
    Trial t = service.suggest(study.id(), 1).get(0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        double v = i;
        calls.add(
            () -> {
              try {
                service.complete(study.id(), t.id(), values(Map.of("latency", v)));
                return true;
              } catch (StudyException e) {
                assertThat(e.kind()).isEqualTo(StudyException.Kind.CONFLICT);
                return false;
              }
            });
      }
      int successes = 0;
      for (Future<Boolean> f : pool.invokeAll(calls)) {
        successes += f.get() ? 1 : 0;
      }
      assertThat(successes).isEqualTo(1);
      assertThat(created.get(0).told).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertKind(Runnable call, StudyException.Kind kind) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StudyException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  private static void assertInvalidAt(Runnable call, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StudyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(StudyException.Kind.INVALID);
              assertThat(e.field()).isEqualTo(field);
            });
  }

  /**
   * Proposes the space's configurations in a fixed order, skipping those it asked or was told, like
   * the real strategies; closeable, to observe eviction.
   */
  private static final class Enumerating implements SearchStrategy, AutoCloseable {
    final List<Configuration> all = new ArrayList<>();
    final Set<Configuration> seen = new HashSet<>();
    final List<Trial> told = new ArrayList<>();
    boolean closed;

    Enumerating(StrategyContext context) {
      for (Object batch : List.of(1L, 2L, 4L)) {
        for (String q : List.of("a", "b")) {
          all.add(context.space().validate(Configuration.of("batch", batch, "q", q)));
        }
      }
    }

    @Override
    public List<Configuration> ask(int n) {
      List<Configuration> out = new ArrayList<>();
      for (Configuration c : all) {
        if (out.size() < n && seen.add(c)) {
          out.add(c);
        }
      }
      return out;
    }

    @Override
    public void tell(Trial trial) {
      told.add(trial);
      seen.add(trial.configuration());
    }

    @Override
    public Map<String, Object> state() {
      return Map.of("told", told.size());
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
