package io.infertune.tuner.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.ConfidenceInterval;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.IntParameter;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.study.Study;
import io.infertune.tuner.study.StudySpec;
import io.infertune.tuner.study.StudyStore;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link StudyStore} contract. Every study store's test extends this class.
 *
 * <p>Instants here are whole microseconds, the finest precision every store keeps.
 */
public abstract class StudyStoreContract {
  protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  protected StudyStore store;

  /** A fresh, empty store. */
  protected abstract StudyStore createStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** A spec with every parameter type (one conditional), two objectives and two constraints. */
  public static StudySpec spec() {
    return new StudySpec(
        "ranker \"v2\" ü",
        SearchSpace.of(
            Parameter.categorical("model", "small", "large"),
            new IntParameter("layers", 2, 48, 2, false, Optional.empty()).when("model", "large"),
            Parameter.logInteger("batch", 1, 256),
            Parameter.logReal("learning_rate", 1e-5, 0.1),
            Parameter.real("dropout", 0, 0.5),
            Parameter.ordinal("width", 64L, 128L, 0.5, "auto")),
        List.of(Objective.minimize("loss"), Objective.maximize("recall.at_10")),
        List.of(
            Constraint.atMost("latency_ms", 25),
            new Constraint("memory_gb", OptionalDouble.of(0.5), OptionalDouble.of(16))),
        new StrategySpec("nsga2", -7),
        250);
  }

  /** A one-objective spec. */
  public static StudySpec simpleSpec() {
    return new StudySpec(
        "simple",
        SearchSpace.of(Parameter.integer("x", 0, 9)),
        List.of(Objective.minimize("y")),
        List.of(),
        new StrategySpec("random", 1),
        10);
  }

  protected static Study study(String id, Instant createdAt) {
    return new Study(id, simpleSpec(), createdAt);
  }

  protected static Trial running(String studyId, int number) {
    return Trial.running(
        studyId,
        number,
        Configuration.of("x", (long) number, "model", "large", "learning_rate", 0.003),
        false,
        T0.plusSeconds(number));
  }

  /** A measurement as a caller reports it: one value per metric, no window. */
  protected static Measurement reported(Map<String, Double> values) {
    Map<String, MetricSummary> summaries = new java.util.HashMap<>();
    values.forEach((k, v) -> summaries.put(k, MetricSummary.ofValue(v)));
    return new Measurement(summaries, Duration.ZERO);
  }

  /** A study with trials 0..count-1, RUNNING. */
  protected List<Trial> studyWithTrials(String studyId, int count) {
    store.createStudy(study(studyId, T0));
    List<Trial> trials = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      trials.add(running(studyId, n));
    }
    store.addTrials(trials);
    return trials;
  }

  // ------------------------------------------------------------------------------------ studies

  @Test
  void aStudyReadsBackEqual() {
    Study s = new Study("3f2a-9c", spec(), T0);
    store.createStudy(s);
    assertThat(store.study("3f2a-9c")).contains(s);
    assertThat(store.studies()).containsExactly(s);
    assertThat(store.study("nope")).isEmpty();
  }

  @Test
  void aStudyIdIsCreatedOnce() {
    Study first = new Study("s", spec(), T0);
    store.createStudy(first);
    assertThatThrownBy(() -> store.createStudy(new Study("s", simpleSpec(), T0.plusSeconds(1))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.study("s")).contains(first);
    assertThat(store.studies()).containsExactly(first);
  }

  @Test
  void studiesAreListedNewestFirst() {
    store.createStudy(study("b", T0));
    store.createStudy(study("c", T0.plusSeconds(10)));
    store.createStudy(study("a", T0.plusSeconds(5)));
    assertThat(store.studies()).extracting(Study::id).containsExactly("c", "a", "b");
  }

  // ------------------------------------------------------------------------------------- trials

  @Test
  void trialsReadBackInNumberOrderEqualToWhatWasWritten() {
    store.createStudy(study("s", T0));
    store.createStudy(study("t", T0));
    List<Trial> first = List.of(running("s", 2), running("s", 0));
    List<Trial> second = List.of(running("s", 11), running("s", 1));
    store.addTrials(first);
    store.addTrials(second);
    store.addTrials(List.of(running("t", 0)));
    store.addTrials(List.of());
    assertThat(store.trials("s"))
        .containsExactly(first.get(1), second.get(1), first.get(0), second.get(0));
    assertThat(store.trials("t")).containsExactly(running("t", 0));
    assertThat(store.trials("nope")).isEmpty();
  }

  @Test
  void aBatchWithAClashingTrialIdAddsNothing() {
    List<Trial> existing = studyWithTrials("s", 1);
    Trial sameId = running("s", 0);
    assertThatThrownBy(() -> store.addTrials(List.of(running("s", 1), running("s", 2), sameId)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.trials("s")).isEqualTo(existing);
  }

  @Test
  void aBatchWithAClashingNumberAddsNothing() {
    List<Trial> existing = studyWithTrials("s", 1);
    Trial sameNumber = withId(running("s", 0), "s-zero");
    assertThatThrownBy(() -> store.addTrials(List.of(running("s", 1), sameNumber)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.trials("s")).isEqualTo(existing);
  }

  @Test
  void aBatchThatClashesWithItselfAddsNothing() {
    List<Trial> existing = studyWithTrials("s", 1);
    assertThatThrownBy(() -> store.addTrials(List.of(running("s", 1), running("s", 1))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> store.addTrials(List.of(running("s", 2), withId(running("s", 2), "s-two"))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.trials("s")).isEqualTo(existing);
  }

  @Test
  void aBatchWithATrialOfNoStudyAddsNothing() {
    List<Trial> existing = studyWithTrials("s", 1);
    assertThatThrownBy(() -> store.addTrials(List.of(running("s", 1), running("ghost", 0))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.trials("s")).isEqualTo(existing);
    assertThat(store.trials("ghost")).isEmpty();
  }

  @Test
  void aBatchWithAFinalTrialIsRefusedWhole() {
    List<Trial> existing = studyWithTrials("s", 1);
    Trial failed = running("s", 2).ended(TrialStatus.FAILED, "crash", T0);
    assertThatThrownBy(() -> store.addTrials(List.of(running("s", 1), failed)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.trials("s")).isEqualTo(existing);
  }

  @Test
  void aTrialIsFoundOnlyInItsStudy() {
    List<Trial> trials = studyWithTrials("s", 2);
    store.createStudy(study("t", T0));
    assertThat(store.trial("s", "s-1")).contains(trials.get(1));
    assertThat(store.trial("t", "s-1")).isEmpty();
    assertThat(store.trial("s", "s-7")).isEmpty();
    assertThat(store.trial("ghost", "s-1")).isEmpty();
  }

  // --------------------------------------------------------------------------------- finishing

  @Test
  void aRunningTrialIsFinishedOnce() {
    Trial running = studyWithTrials("s", 2).get(1);
    Trial completed =
        running.measured(reported(Map.of("y", 0.25)), 0.25, Optional.empty(), T0.plusSeconds(60));
    assertThat(store.finishTrial(completed)).isTrue();
    assertThat(store.trial("s", running.id())).contains(completed);

    Trial failed = running.ended(TrialStatus.FAILED, "too late", T0.plusSeconds(61));
    assertThat(store.finishTrial(failed)).isFalse();
    assertThat(store.finishTrial(completed)).isFalse();
    assertThat(store.trials("s")).containsExactly(running("s", 0), completed);
  }

  @Test
  void finishingAnUnknownTrialChangesNothing() {
    List<Trial> trials = studyWithTrials("s", 1);
    Trial ghost = running("s", 5).ended(TrialStatus.FAILED, "never suggested", T0);
    assertThat(store.finishTrial(ghost)).isFalse();
    Trial ofNoStudy = running("ghost", 0).ended(TrialStatus.FAILED, "no such study", T0);
    assertThat(store.finishTrial(ofNoStudy)).isFalse();
    assertThat(store.trials("s")).isEqualTo(trials);
    assertThat(store.trials("ghost")).isEmpty();
  }

  @Test
  void aTrialIsNotFinishedAsAnotherStudysTrial() {
    Trial running = studyWithTrials("s", 1).get(0);
    store.createStudy(study("t", T0));
    Trial elsewhere =
        new Trial(
                running.id(),
                "t",
                running.number(),
                running.configuration(),
                TrialStatus.RUNNING,
                Optional.empty(),
                OptionalDouble.empty(),
                Optional.empty(),
                false,
                running.startedAt(),
                Optional.empty())
            .ended(TrialStatus.FAILED, "wrong study", T0);
    assertThat(store.finishTrial(elsewhere)).isFalse();
    assertThat(store.trials("s")).containsExactly(running);
    assertThat(store.trials("t")).isEmpty();
  }

  @Test
  void finishingWithARunningTrialIsRefused() {
    Trial running = studyWithTrials("s", 1).get(0);
    assertThatThrownBy(() -> store.finishTrial(running))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.trial("s", running.id())).contains(running);
    // Still RUNNING, so it can be finished.
    assertThat(store.finishTrial(running.ended(TrialStatus.FAILED, "x", T0))).isTrue();
  }

  @Test
  void concurrentFinishesOfATrialRecordOne() throws Exception {
    int trials = 8;
    int threads = 6;
    studyWithTrials("s", trials);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int n = 0; n < trials; n++) {
        Trial running = running("s", n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        List<Trial> attempts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          Trial finished =
              i % 2 == 0
                  ? running.ended(TrialStatus.FAILED, "attempt " + i, T0.plusSeconds(i))
                  : running.measured(
                      reported(Map.of("y", (double) i)), i, Optional.empty(), T0.plusSeconds(i));
          attempts.add(finished);
          Callable<Boolean> finish =
              () -> {
                start.await();
                return store.finishTrial(finished);
              };
          results.add(pool.submit(finish));
        }
        start.countDown();
        List<Trial> winners = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          if (results.get(i).get(30, TimeUnit.SECONDS)) {
            winners.add(attempts.get(i));
          }
        }
        assertThat(winners).as("trial %d", n).hasSize(1);
        assertThat(store.trial("s", running.id())).contains(winners.get(0));
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void finalStatesRoundTripWithTheirMeasurementAndReason() {
    List<Trial> running = studyWithTrials("s", 3);
    Measurement rich =
        new Measurement(
            Map.of(
                "loss",
                new MetricSummary(
                    0.125,
                    0.12,
                    0.2,
                    0.25,
                    40,
                    Optional.of(new ConfidenceInterval(0.1, 0.15, 0.9))),
                "recall.at_10",
                MetricSummary.ofValue(0.75)),
            Duration.ofMillis(1500));
    Trial completed = running.get(0).measured(rich, 0.125, Optional.empty(), T0.plusSeconds(9));
    Trial infeasible =
        running
            .get(1)
            .measured(
                reported(Map.of("loss", 0.5, "latency_ms", 40.0)),
                0.5,
                Optional.of("latency_ms = 40.00 violates <= 25.0"),
                T0.plusSeconds(10));
    Trial failed =
        running.get(2).ended(TrialStatus.FAILED, "CUDA out of memory: \"batch\" 256", T0);
    for (Trial t : List.of(completed, infeasible, failed)) {
      assertThat(store.finishTrial(t)).isTrue();
      assertThat(store.trial("s", t.id())).contains(t);
    }
    assertThat(store.trials("s")).containsExactly(completed, infeasible, failed);
    assertThat(store.trials("s"))
        .extracting(Trial::status)
        .containsExactly(TrialStatus.COMPLETED, TrialStatus.INFEASIBLE, TrialStatus.FAILED);
  }

  private static Trial withId(Trial t, String id) {
    return new Trial(
        id,
        t.campaignId(),
        t.number(),
        t.configuration(),
        t.status(),
        t.measurement(),
        t.objectiveValue(),
        t.reason(),
        t.baseline(),
        t.startedAt(),
        t.finishedAt());
  }
}
