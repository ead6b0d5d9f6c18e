package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.store.TrialStores;
import io.infertune.tuner.drift.DriftDirection;
import io.infertune.tuner.drift.DriftPolicy;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.schedule.Schedule;
import io.infertune.tuner.schedule.ScheduleSpec;
import io.infertune.tuner.schedule.ScheduleStore;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Campaign;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift watcher on a simulated runtime whose traffic the test changes, real H2 stores and a
 * real scheduler, on a manual clock: each look is one {@link DriftWatcher#tick()} after 30 s.
 */
class DriftWatcherTest {
  private static final Instant T0 = Instant.parse("2026-03-27T12:00:00Z");
  private static final Duration LOOK = Duration.ofSeconds(30);
  private static final String TEMPLATE =
      """
      {"runtime": "sim", "strategy": {"type": "list", "seed": 1}, "budget": {"maxTrials": 2}}
      """;

  @TempDir Path dataDir;

  private final ManualTicker ticker = new ManualTicker(T0);
  private final QueuedExecutor executor = new QueuedExecutor();
  private final AtomicInteger ids = new AtomicInteger();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** Requests per second the runtime's clients send now, whatever its configuration. */
  private volatile double clientRate = 200;

  private TrialStore trials;
  private ScheduleStore schedules;
  private SimulatedRuntime runtime;
  private CampaignService campaigns;
  private Scheduler scheduler;
  private DriftWatcher watcher;

  @BeforeEach
  void start() {
    trials = TrialStores.openH2(dataDir);
    schedules = TrialStores.openSchedulesH2(dataDir);
    runtime =
        new SimulatedRuntime(ticker)
            .noise(0.05, 11)
            .performance(
                new SimulatedRuntime.Performance() {
                  @Override
                  public double throughput(Configuration c, double servingSeconds) {
                    return clientRate;
                  }

                  @Override
                  public double latencySeconds(Configuration c, double servingSeconds) {
                    return SimulatedRuntime.latencySeconds(c);
                  }
                });
    RuntimeRegistry runtimes = new RuntimeRegistry();
    runtimes.register(runtime);
    campaigns =
        new CampaignService(
            trials,
            runtimes,
            (type, context) -> new ListStrategy(List.of()),
            workload -> new TrickleWorkload(),
            ticker,
            List.of(),
            () -> "c" + ids.incrementAndGet(),
            executor);
    scheduler = new Scheduler(schedules, campaigns, trials, runtimes, ticker, () -> "s1");
    watcher =
        new DriftWatcher(
            runtimes,
            campaigns,
            scheduler::retuneOnDrift,
            meters,
            ticker,
            new Measurer(ticker, 2),
            new DriftWatcher.Settings(LOOK, DriftPolicy.DEFAULT, 10));
  }

  @AfterEach
  void stop() {
    executor.runAll();
    campaigns.close();
    schedules.close();
    trials.close();
  }

  private void looks(int n) {
    for (int i = 0; i < n; i++) {
      ticker.advance(LOOK);
      watcher.tick();
    }
  }

  private double driftEvents() {
    return meters.find("infertune.drift.events").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Test
  void steadyTrafficRaisesNothingAndAStepInTheRequestRateOneEvent() {
    looks(60);
    assertThat(watcher.events("sim")).isEmpty();
    assertThat(driftEvents()).isZero();

    clientRate = 400;
    looks(10);
    List<DriftWatcher.Recorded> events = watcher.events("sim");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).event().series()).isEqualTo(DriftWatcher.RATE_SERIES);
    assertThat(events.get(0).event().direction()).isEqualTo(DriftDirection.UP);
    assertThat(events.get(0).event().meanBefore()).isBetween(180.0, 220.0);
    assertThat(events.get(0).event().recentMean()).isBetween(360.0, 440.0);
    assertThat(events.get(0).campaignId()).isEmpty(); // no schedule asks for a re-tune
    assertThat(
            meters
                .get("infertune.drift.events")
                .tags("runtime", "sim", "series", "request_rate", "direction", "up")
                .counter()
                .count())
        .isEqualTo(1);
    // One shift, one event: the cooldown keeps the new level from raising more.
    looks(30);
    assertThat(watcher.events("sim")).hasSize(1);
  }

  @Test
  void aDriftStartsTheWarmStartedCampaignOfAScheduleThatAsksForIt() {
    // Disabled: its cron never fires, it re-tunes on drift only.
    Schedule s =
        scheduler.create(
            new ScheduleSpec("on drift", "0 3 * * *", ZoneOffset.UTC, TEMPLATE, false, true, true));
    looks(40);
    clientRate = 80;
    looks(10);

    List<Campaign> started =
        trials.campaigns().stream().filter(c -> c.startedBy().equals("drift:" + s.id())).toList();
    assertThat(started).hasSize(1);
    assertThat(watcher.events("sim").get(0).campaignId()).contains(started.get(0).id());
    assertThat(watcher.events("sim").get(0).event().direction()).isEqualTo(DriftDirection.DOWN);
    assertThat(scheduler.get(s.id()).lastCampaignId()).contains(started.get(0).id());

    // While the campaign holds the runtime (queued, so active), traffic changes are not drift.
    clientRate = 300;
    looks(20);
    assertThat(watcher.events("sim")).hasSize(1);
  }

  @Test
  void aConfigurationChangeIsNotDriftTheDetectorsLearnTheNewLevel() throws Exception {
    looks(40);
    // A push changes what the runtime does (here its latency): the watcher starts over.
    runtime.apply(Configuration.of("batch_size", 16, "quantization", "fp32"));
    looks(60);
    assertThat(watcher.events("sim")).isEmpty();
  }
}
