package io.infertune.tuner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The end of a campaign goes through the {@link Promoter}: the trials nominate, the A/B rounds
 * decide, the watch can take a push back, and a stop in the watch still restores the runtime.
 */
class CampaignPromotionTest {
  private final ManualTicker ticker = new ManualTicker();
  private final SimulatedRuntime runtime = new SimulatedRuntime(ticker);
  private final InMemoryTrialStore store = new InMemoryTrialStore();
  private final List<String> events = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  private Campaign created() {
    CampaignSpec spec =
        new CampaignSpec(
            "promotion",
            runtime.id(),
            runtime.knobs(),
            Objective.maximize("throughput_rps"),
            List.of(PromoterTest.LATENCY_SLO),
            new StrategySpec("list", 1),
            Budget.trials(2),
            new MeasurementSpec(
                Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1)),
            WorkloadSpec.closedLoop(1, 1),
            PromoterTest.POLICY);
    Campaign c = Campaign.created("c1", spec, "operator", ticker.now());
    store.createCampaign(c);
    return c;
  }

  private CampaignRunner runner(Configuration proposal, TuningListener extra) {
    return CampaignRunner.builder()
        .store(store)
        .runtime(runtime)
        .strategies((type, ctx) -> new ListStrategy(List.of(proposal)))
        .workload(new TrickleWorkload())
        .ticker(ticker)
        .cores(2)
        .deploymentIds(() -> "d" + ids.incrementAndGet())
        .listener(
            new TuningListener() {
              @Override
              public void deploymentRecorded(Deployment d) {
                events.add("deployment " + d.cause().replaceFirst(":.*", ""));
              }

              @Override
              public void campaignFinished(CampaignOutcome o) {
                events.add("done " + o.campaign().status());
              }
            })
        .listener(extra)
        .build();
  }

  @Test
  void aWinnerThatWasOnlyLuckyInItsTrialIsNotPushed() {
    // The proposal ran at 130/s during its trial (the first 10 s: a noisy neighbour had left),
    // and at the baseline's 100/s ever since: the A/B rounds see no difference.
    runtime.performance(
        new SimulatedRuntime.Performance() {
          @Override
          public double throughput(Configuration c, double servingSeconds) {
            return c.equals(PromoterTest.EQUAL) && ticker.nanos() < 12e9 ? 130 : 100;
          }

          @Override
          public double latencySeconds(Configuration c, double servingSeconds) {
            return 0.01;
          }
        });

    CampaignOutcome o = runner(PromoterTest.EQUAL, new TuningListener() {}).run(created());

    assertThat(o.best().orElseThrow().configuration()).isEqualTo(PromoterTest.EQUAL);
    assertThat(o.pushed()).isFalse();
    assertThat(o.campaign().status()).isEqualTo(CampaignStatus.COMPLETED);
    assertThat(o.campaign().message())
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("trial 1 not pushed: no significant improvement (p = 1.0")
                    .endsWith("original configuration kept"));
    assertThat(o.campaign().bestTrialId()).contains("c1-1");
    assertThat(store.deployments("sim")).isEmpty();
    assertThat(runtime.current()).isEqualTo(runtime.defaults());
  }

  @Test
  void aPushThatBreaksTheSloInTheWatchIsRolledBackBeforeTheCampaignEnds() {
    runtime.performance(
        PromoterTest.table(Map.of(runtime.defaults(), 100.0, PromoterTest.DEGRADING, 130.0)));

    CampaignOutcome o = runner(PromoterTest.DEGRADING, new TuningListener() {}).run(created());

    assertThat(o.campaign().status()).isEqualTo(CampaignStatus.COMPLETED);
    assertThat(o.pushed()).isFalse();
    assertThat(o.campaign().message())
        .hasValueSatisfying(
            m -> assertThat(m).contains("trial 1 pushed (").contains(", then rolled back: "));
    assertThat(store.campaign("c1").orElseThrow()).isEqualTo(o.campaign());
    assertThat(store.deployments("sim"))
        .extracting(Deployment::cause)
        .satisfiesExactly(
            back -> assertThat(back).startsWith("rollback:latency_p95_ms"),
            push -> assertThat(push).isEqualTo("campaign:c1"));
    assertThat(runtime.current()).isEqualTo(runtime.defaults());
    assertThat(events)
        .containsExactly("deployment campaign", "deployment rollback", "done COMPLETED");
  }

  @Test
  void aStopInTheWatchRollsBackAndEndsTheCampaignStopped() {
    runtime.performance(
        PromoterTest.table(Map.of(runtime.defaults(), 100.0, PromoterTest.BETTER, 130.0)));
    CampaignRunner[] self = new CampaignRunner[1];
    self[0] =
        runner(
            PromoterTest.BETTER,
            new TuningListener() {
              @Override
              public void deploymentRecorded(Deployment d) {
                if (d.cause().startsWith("campaign:")) {
                  self[0].stop();
                }
              }
            });

    CampaignOutcome o = self[0].run(created());

    assertThat(o.campaign().status()).isEqualTo(CampaignStatus.STOPPED);
    assertThat(o.campaign().message())
        .hasValueSatisfying(m -> assertThat(m).contains("stopped while promoting trial 1"));
    assertThat(store.deployments("sim"))
        .extracting(Deployment::cause)
        .containsExactly("rollback:stopped", "campaign:c1");
    assertThat(runtime.current()).isEqualTo(runtime.defaults());
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
