package io.infertune.tuner.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.ConfidenceInterval;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.measure.WindowReport;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.store.CampaignQuery;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link TrialStore} contract. Every store's test extends this class. */
public abstract class TrialStoreContract {
  protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  protected TrialStore store;

  /** A fresh, empty store. */
  protected abstract TrialStore createStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  public static CampaignSpec spec() {
    return new CampaignSpec(
        "nightly",
        "embedded",
        SearchSpace.of(
            Parameter.ordinal("batch_size", 1, 8, 32),
            Parameter.categorical("quantization", "fp32", "int8"),
            Parameter.logReal("timeout", 0.1, 50).when("batch_size", 8, 32),
            Parameter.integer("threads", 1, 2)),
        Objective.maximize("throughput_rps"),
        List.of(Constraint.atLeast("accuracy", 0.98), Constraint.atMost("latency_p95_ms", 80)),
        new StrategySpec("random", 42),
        new Budget(12, Optional.of(Duration.ofMinutes(5))),
        new MeasurementSpec(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMillis(500)),
        WorkloadSpec.closedLoop(4, 7));
  }

  public static Trial measuredTrial(String campaign, int number) {
    Measurement m =
        new Measurement(
            Map.of(
                "throughput_rps",
                new MetricSummary(
                    120.5,
                    119,
                    130,
                    131,
                    6,
                    Optional.of(new ConfidenceInterval(110.25, 130.75, 0.95))),
                "latency_ms",
                new MetricSummary(8.5, 7.25, 20, 31.5, 723, Optional.empty())),
            Duration.ofMillis(3000));
    return Trial.running(
            campaign,
            number,
            Configuration.of("batch_size", 8, "quantization", "int8", "timeout", 2.5),
            number == 0,
            T0)
        .measured(m, 120.5, Optional.empty(), T0.plusSeconds(4));
  }

  @Test
  void campaignRoundTrips() {
    Campaign c = Campaign.created("c1", spec(), "operator", T0);
    store.createCampaign(c);
    assertThat(store.campaign("c1")).contains(c);
    Campaign done =
        c.withStatus(CampaignStatus.RUNNING)
            .withBestTrial("c1-0")
            .finished(CampaignStatus.COMPLETED, "pushed", T0.plusSeconds(60));
    store.updateCampaign(done);
    assertThat(store.campaign("c1")).contains(done);
    assertThat(store.campaign("nope")).isEmpty();
  }

  @Test
  void campaignsAreListedNewestFirst() {
    store.createCampaign(Campaign.created("a", spec(), "operator", T0));
    store.createCampaign(Campaign.created("b", spec(), "schedule", T0.plusSeconds(5)));
    assertThat(store.campaigns()).extracting(Campaign::id).containsExactly("b", "a");
  }

  @Test
  void campaignPagesFollowTheCursorAndTheFilters() {
    CampaignSpec s = spec();
    CampaignSpec elsewhere = s.withRuntime("other");
    // Seven campaigns; "c2" and "c3" were created at the same instant (the id breaks the tie).
    store.createCampaign(Campaign.created("c0", s, "operator", T0));
    store.createCampaign(Campaign.created("c1", elsewhere, "operator", T0.plusSeconds(1)));
    store.createCampaign(Campaign.created("c2", s, "operator", T0.plusSeconds(2)));
    store.createCampaign(Campaign.created("c3", s, "operator", T0.plusSeconds(2)));
    store.createCampaign(Campaign.created("c4", elsewhere, "operator", T0.plusSeconds(4)));
    store.createCampaign(Campaign.created("c5", s, "operator", T0.plusSeconds(5)));
    store.createCampaign(Campaign.created("c6", s, "operator", T0.plusSeconds(6)));
    store.updateCampaign(store.campaign("c3").orElseThrow().withStatus(CampaignStatus.RUNNING));

    assertThat(store.campaignsPage(CampaignQuery.newest(3)))
        .extracting(Campaign::id)
        .containsExactly("c6", "c5", "c4");
    assertThat(store.campaignsPage(query(3, "c4", null, null)))
        .extracting(Campaign::id)
        .containsExactly("c3", "c2", "c1");
    assertThat(store.campaignsPage(query(3, "c1", null, null)))
        .extracting(Campaign::id)
        .containsExactly("c0");
    assertThat(store.campaignsPage(query(3, "c0", null, null))).isEmpty();
    assertThat(store.campaignsPage(CampaignQuery.newest(1000)))
        .extracting(Campaign::id)
        .containsExactly("c6", "c5", "c4", "c3", "c2", "c1", "c0");
    // Filters, alone and with the cursor (which may name a campaign the filter leaves out).
    assertThat(store.campaignsPage(query(10, null, null, "other")))
        .extracting(Campaign::id)
        .containsExactly("c4", "c1");
    assertThat(store.campaignsPage(query(10, "c5", null, "other")))
        .extracting(Campaign::id)
        .containsExactly("c4", "c1");
    assertThat(store.campaignsPage(query(10, null, CampaignStatus.RUNNING, null)))
        .extracting(Campaign::id)
        .containsExactly("c3");
    assertThat(store.campaignsPage(query(10, "c3", CampaignStatus.PENDING, "embedded")))
        .extracting(Campaign::id)
        .containsExactly("c2", "c0");
    assertThat(store.campaignsPage(query(10, null, CampaignStatus.FAILED, null))).isEmpty();
    // A page holds the same records as a read by id.
    assertThat(store.campaignsPage(query(1, "c4", null, null)))
        .containsExactly(store.campaign("c3").orElseThrow());
    assertThatThrownBy(() -> store.campaignsPage(query(3, "nope", null, null)))
        .isInstanceOf(java.util.NoSuchElementException.class)
        .hasMessageContaining("nope");
  }

  private static CampaignQuery query(
      int limit, String before, CampaignStatus status, String runtimeId) {
    return new CampaignQuery(
        limit,
        Optional.ofNullable(before),
        Optional.ofNullable(status),
        Optional.ofNullable(runtimeId));
  }

  @Test
  void theChangeCountGrowsWithEveryWriteAndOnlyThen() {
    java.util.OptionalLong start = store.changeCount();
    if (start.isEmpty()) {
      return; // this store does not count; nothing may rely on it
    }
    java.util.function.LongSupplier count = () -> store.changeCount().getAsLong();
    long before = count.getAsLong();
    Campaign c = Campaign.created("c", spec(), "operator", T0);
    store.createCampaign(c);
    long created = count.getAsLong();
    assertThat(created).isGreaterThan(before);
    store.campaigns();
    store.campaign("c");
    store.campaignsPage(CampaignQuery.newest(10));
    assertThat(count.getAsLong()).as("reads change nothing").isEqualTo(created);
    store.updateCampaign(c.withStatus(CampaignStatus.RUNNING));
    long updated = count.getAsLong();
    assertThat(updated).isGreaterThan(created);
    Trial running =
        Trial.running(
            "c",
            0,
            Configuration.of("batch_size", 8, "quantization", "int8", "timeout", 2.5),
            true,
            T0);
    store.saveTrial(running);
    long saved = count.getAsLong();
    assertThat(saved).isGreaterThan(updated);
    store.trials("c");
    store.trialCounts("c");
    store.trialsPage("c", 5, java.util.OptionalInt.empty());
    assertThat(count.getAsLong()).isEqualTo(saved);
    store.saveTrial(measuredTrial("c", 0));
    long finished = count.getAsLong();
    assertThat(finished).isGreaterThan(saved);
    store.recordDeployment(
        new Deployment(
            "d1",
            "embedded",
            Optional.of("c"),
            Configuration.of("batch_size", 1),
            Configuration.of("batch_size", 8),
            "campaign:c",
            "evidence",
            T0));
    assertThat(count.getAsLong()).isGreaterThan(finished);
  }

  @Test
  void duplicateCampaignIsRejected() {
    store.createCampaign(Campaign.created("a", spec(), "operator", T0));
    assertThatThrownBy(() -> store.createCampaign(Campaign.created("a", spec(), "operator", T0)))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void trialRoundTripsWithItsMeasurement() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    Trial t = measuredTrial("c", 0);
    store.saveTrial(t);
    assertThat(store.trial(t.id())).contains(t);
  }

  @Test
  void aPrunedTrialRoundTripsWithItsPartialMeasurementAndWindowReport() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    Measurement partial =
        new Measurement(
                Map.of(
                    "throughput_rps",
                    new MetricSummary(
                        86.5,
                        86,
                        91,
                        92,
                        3,
                        Optional.of(new ConfidenceInterval(80.25, 92.75, 0.95)))),
                Duration.ofSeconds(3))
            .withReport(
                new WindowReport(
                    "throughput_rps",
                    Optional.of(new ConfidenceInterval(80.25, 92.75, 0.95)),
                    Duration.ofMillis(1500),
                    true,
                    WindowReport.End.STOPPED));
    Trial t =
        Trial.running("c", 2, Configuration.of("batch_size", 1), false, T0)
            .pruned(
                partial,
                86.5,
                "pruned after 3.0 s: throughput_rps 99% CI [70.12, 102.9] below incumbent 140",
                T0.plusSeconds(5));
    store.saveTrial(t);
    assertThat(store.trial(t.id())).contains(t);
    assertThat(store.trials("c")).extracting(Trial::status).containsExactly(TrialStatus.PRUNED);
  }

  @Test
  void savingATrialIsIdempotentAndFinalStatesReplaceRunning() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    Trial running = Trial.running("c", 1, Configuration.of("batch_size", 32), false, T0);
    store.saveTrial(running);
    store.saveTrial(running);
    assertThat(store.trials("c")).containsExactly(running);
    Trial failed =
        running.ended(TrialStatus.FAILED, "apply failed (crash): boom", T0.plusSeconds(2));
    store.saveTrial(failed);
    store.saveTrial(failed);
    assertThat(store.trials("c")).containsExactly(failed);
  }

  @Test
  void aFinalTrialIsNeverRewritten() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    Trial t = measuredTrial("c", 0);
    store.saveTrial(t);
    Trial other =
        Trial.running("c", 0, t.configuration(), true, T0).ended(TrialStatus.FAILED, "x", T0);
    assertThatThrownBy(() -> store.saveTrial(other)).isInstanceOf(IllegalStateException.class);
    assertThat(store.trial(t.id())).contains(t);
  }

  private static Trial withObjective(String campaign, int number, double value, boolean feasible) {
    Measurement m = measuredTrial(campaign, number).measurement().orElseThrow();
    return Trial.running(campaign, number, Configuration.of("batch_size", 8), false, T0)
        .measured(
            m, value, feasible ? Optional.empty() : Optional.of("too slow"), T0.plusSeconds(4));
  }

  @Test
  void trialCountsCountEachStatusOfOneCampaign() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    store.createCampaign(Campaign.created("d", spec(), "operator", T0));
    store.saveTrial(measuredTrial("c", 0));
    store.saveTrial(measuredTrial("c", 1));
    store.saveTrial(withObjective("c", 2, 1, false));
    store.saveTrial(
        Trial.running("c", 3, Configuration.of("batch_size", 8), false, T0)
            .ended(TrialStatus.FAILED, "crashed", T0));
    store.saveTrial(Trial.running("c", 4, Configuration.of("batch_size", 8), false, T0));
    store.saveTrial(measuredTrial("d", 0));
    assertThat(store.trialCounts("c"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                TrialStatus.COMPLETED, 2L,
                TrialStatus.INFEASIBLE, 1L,
                TrialStatus.FAILED, 1L,
                TrialStatus.RUNNING, 1L));
    assertThat(store.trialCounts("d")).containsExactlyEntriesOf(Map.of(TrialStatus.COMPLETED, 1L));
    assertThat(store.trialCounts("none")).isEmpty();
  }

  @Test
  void bestTrialIsTheFirstFeasibleTrialNoLaterOneBeats() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    assertThat(store.bestTrial("c", Objective.maximize("throughput_rps"))).isEmpty();
    store.saveTrial(withObjective("c", 0, 100, true));
    store.saveTrial(withObjective("c", 1, 150, true));
    store.saveTrial(withObjective("c", 2, 150, true)); // a tie: the earlier stays best
    store.saveTrial(withObjective("c", 3, 900, false)); // infeasible: never best
    store.saveTrial(withObjective("c", 4, 50, true));
    store.saveTrial(
        Trial.running("c", 5, Configuration.of("batch_size", 8), false, T0)
            .ended(TrialStatus.FAILED, "crashed", T0));
    assertThat(store.bestTrial("c", Objective.maximize("throughput_rps")))
        .map(Trial::number)
        .contains(1);
    assertThat(store.bestTrial("c", Objective.minimize("throughput_rps")))
        .map(Trial::number)
        .contains(4);
    assertThat(store.bestTrial("c", Objective.maximize("throughput_rps")).orElseThrow())
        .isEqualTo(store.trial(Trial.idOf("c", 1)).orElseThrow());
  }

  @Test
  void listingQueriesOfManyCampaignsAgreeWithThoseOfOne() {
    for (String c : List.of("c", "d", "e")) {
      store.createCampaign(Campaign.created(c, spec(), "operator", T0));
    }
    store.saveTrial(withObjective("c", 0, 100, true));
    store.saveTrial(withObjective("c", 1, 150, true));
    store.saveTrial(withObjective("c", 2, 900, false));
    store.saveTrial(withObjective("d", 0, 30, true));
    store.saveTrial(withObjective("d", 1, 20, true));
    Objective max = Objective.maximize("throughput_rps");
    Objective min = Objective.minimize("throughput_rps");
    assertThat(store.trialCounts(List.of("c", "d", "e")))
        .isEqualTo(
            Map.of(
                "c", store.trialCounts("c"),
                "d", store.trialCounts("d"),
                "e", Map.of()));
    assertThat(store.bestTrials(Map.of("c", max, "d", min, "e", max)))
        .isEqualTo(
            Map.of(
                "c", store.bestTrial("c", max).orElseThrow(),
                "d", store.bestTrial("d", min).orElseThrow()));
    assertThat(store.bestTrials(Map.of("c", max)).get("c").number()).isEqualTo(1);
    assertThat(store.bestTrials(Map.of("d", min)).get("d").number()).isEqualTo(1);
  }

  @Test
  void trialPagesGoNewestFirstBeforeANumber() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    for (int n = 0; n < 7; n++) {
      store.saveTrial(measuredTrial("c", n));
    }
    assertThat(store.trialsPage("c", 3, java.util.OptionalInt.empty()))
        .extracting(Trial::number)
        .containsExactly(6, 5, 4);
    assertThat(store.trialsPage("c", 3, java.util.OptionalInt.of(4)))
        .extracting(Trial::number)
        .containsExactly(3, 2, 1);
    assertThat(store.trialsPage("c", 3, java.util.OptionalInt.of(1)))
        .extracting(Trial::number)
        .containsExactly(0);
    assertThat(store.trialsPage("c", 3, java.util.OptionalInt.of(0))).isEmpty();
    assertThat(store.trialsPage("c", 100, java.util.OptionalInt.empty())).hasSize(7);
    assertThat(store.trialsPage("c", 3, java.util.OptionalInt.empty()).get(0))
        .isEqualTo(store.trial(Trial.idOf("c", 6)).orElseThrow());
    assertThatThrownBy(() -> store.trialsPage("c", 0, java.util.OptionalInt.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trialsComeInNumberOrderPerCampaign() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    store.createCampaign(Campaign.created("d", spec(), "operator", T0));
    for (int n : new int[] {2, 0, 11, 1}) {
      store.saveTrial(measuredTrial("c", n));
    }
    store.saveTrial(measuredTrial("d", 0));
    assertThat(store.trials("c")).extracting(Trial::number).containsExactly(0, 1, 2, 11);
    assertThat(store.trials("d")).hasSize(1);
    assertThat(store.trials("none")).isEmpty();
  }

  @Test
  void deploymentsAreListedNewestFirstPerRuntime() {
    Deployment d1 =
        new Deployment(
            "d1",
            "embedded",
            Optional.of("c"),
            Configuration.of("batch_size", 1),
            Configuration.of("batch_size", 8),
            "campaign:c",
            "ratio 2.0",
            T0);
    Deployment d2 =
        new Deployment(
            "d2",
            "embedded",
            Optional.empty(),
            Configuration.of("batch_size", 8),
            Configuration.of("batch_size", 1),
            "operator",
            "manual",
            T0.plusSeconds(9));
    Deployment other =
        new Deployment(
            "d3",
            "vllm",
            Optional.empty(),
            Configuration.empty(),
            Configuration.empty(),
            "operator",
            "",
            T0);
    store.recordDeployment(d1);
    store.recordDeployment(d2);
    store.recordDeployment(other);
    assertThat(store.deployments("embedded")).containsExactly(d2, d1);
  }

  @Test
  void concurrentSavesLoseNothing() throws Exception {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 40; i++) {
        int n = i;
        pool.submit(() -> store.saveTrial(measuredTrial("c", n)));
        pool.submit(() -> store.saveTrial(measuredTrial("c", n)));
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(store.trials("c")).hasSize(40);
  }
}
