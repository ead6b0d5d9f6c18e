package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.store.TrialStores;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.schedule.Schedule;
import io.infertune.tuner.schedule.ScheduleSpec;
import io.infertune.tuner.schedule.ScheduleStore;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler on real H2 stores, a simulated runtime and manual clocks: no thread, no sleep. The
 * scheduler's clock is moved by hand and {@link Scheduler#tick} called as the service's timer
 * would; campaigns wait in a {@link QueuedExecutor} (their runtime busy) until the test runs them.
 */
class SchedulerTest {
  /** A Friday, noon UTC. */
  private static final Instant T0 = Instant.parse("2026-03-27T12:00:00Z");

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /** Every knob of the simulated runtime; a small budget. */
  private static final String FULL_SPACE =
      """
      {"runtime": "sim", "strategy": {"type": "list", "seed": 1}, "budget": {"maxTrials": 4}}
      """;

  @TempDir Path dataDir;

  private final ManualTicker clock = new ManualTicker(T0);
  // The campaigns' own time, which their measurement windows move.
  private final ManualTicker campaignTicker = new ManualTicker(T0);
  private final QueuedExecutor executor = new QueuedExecutor();
  private final AtomicInteger campaignIds = new AtomicInteger();
  private final AtomicInteger scheduleIds = new AtomicInteger();

  /** The strategy each campaign was given, in the order they were made. */
  private final List<ListStrategy> strategies = new ArrayList<>();

  private List<Configuration> proposals =
      List.of(
          Configuration.of("batch_size", 1, "quantization", "int8"),
          Configuration.of("batch_size", 64, "quantization", "fp32"), // out of memory: FAILED
          Configuration.of("batch_size", 16, "quantization", "fp32"));

  private TrialStore trials;
  private ScheduleStore schedules;
  private SimulatedRuntime runtime;
  private CampaignService campaigns;
  private Scheduler scheduler;

  @BeforeEach
  void start() {
    trials = TrialStores.openH2(dataDir);
    schedules = TrialStores.openSchedulesH2(dataDir);
    runtime = new SimulatedRuntime(campaignTicker);
    RuntimeRegistry runtimes = new RuntimeRegistry();
    runtimes.register(runtime);
    StrategyFactory recording =
        (type, context) -> {
          ListStrategy s = new ListStrategy(proposals);
          strategies.add(s);
          return s;
        };
    campaigns =
        new CampaignService(
            trials,
            runtimes,
            recording,
            workload -> new TrickleWorkload(),
            campaignTicker,
            List.of(),
            () -> "c" + campaignIds.incrementAndGet(),
            executor);
    scheduler = newScheduler(schedules);
  }

  private Scheduler newScheduler(ScheduleStore store) {
    RuntimeRegistry runtimes = new RuntimeRegistry();
    runtimes.register(runtime);
    return new Scheduler(
        store, campaigns, trials, runtimes, clock, () -> "s" + scheduleIds.incrementAndGet());
  }

  @AfterEach
  void stop() {
    executor.runAll();
    campaigns.close();
    schedules.close();
    trials.close();
  }

  private static ScheduleSpec spec(String cron, ZoneId zone, String template, boolean warmStart) {
    return new ScheduleSpec("nightly", cron, zone, template, true, warmStart);
  }

  private List<Campaign> startedBy(String scheduleId) {
    return trials.campaigns().stream()
        .filter(c -> c.startedBy().equals("schedule:" + scheduleId))
        .toList();
  }

  /** Moves the clock to {@code t} and ticks; returns how many schedules fired. */
  private int tickAt(Instant t) {
    clock.advance(Duration.between(clock.now(), t));
    return scheduler.tick();
  }

  // ------------------------------------------------------------------------------- fire times

  @Test
  void aScheduleFiresAtItsCronTimesInItsZoneAcrossDaylightSaving() {
    Schedule s = scheduler.create(spec("0 3 * * *", BERLIN, FULL_SPACE, false));
    assertThat(s.nextRunAt()).contains(Instant.parse("2026-03-28T02:00:00Z")); // 03:00 CET

    // A tick every 10 minutes for four days, over the night clocks go forward (2026-03-29).
    List<Instant> runs = new ArrayList<>();
    for (Instant t = T0; t.isBefore(T0.plus(Duration.ofDays(4))); t = t.plusSeconds(600)) {
      if (tickAt(t) > 0) {
        runs.add(t);
        executor.runAll();
      }
    }

    assertThat(runs)
        .containsExactly(
            Instant.parse("2026-03-28T02:00:00Z"),
            Instant.parse("2026-03-29T01:00:00Z"), // 03:00 CEST
            Instant.parse("2026-03-30T01:00:00Z"),
            Instant.parse("2026-03-31T01:00:00Z"));
    assertThat(startedBy(s.id())).hasSize(4);
    Schedule after = scheduler.get(s.id());
    assertThat(after.lastRunAt()).contains(Instant.parse("2026-03-31T01:00:00Z"));
    assertThat(after.lastCampaignId()).contains(startedBy(s.id()).get(0).id());
    assertThat(after.lastError()).isEmpty();
    assertThat(after.nextRunAt()).contains(Instant.parse("2026-04-01T01:00:00Z"));
  }

  @Test
  void nothingFiresBeforeItsTimeAndADisabledScheduleNever() {
    Schedule s = scheduler.create(spec("0 3 * * *", ZoneOffset.UTC, FULL_SPACE, false));
    Schedule off =
        scheduler.create(
            new ScheduleSpec("off", "* * * * *", ZoneOffset.UTC, FULL_SPACE, false, false));
    assertThat(off.nextRunAt()).isEmpty();

    assertThat(tickAt(Instant.parse("2026-03-28T02:59:59Z"))).isZero();
    assertThat(tickAt(Instant.parse("2026-03-28T03:00:00Z"))).isEqualTo(1);
    assertThat(startedBy(s.id())).hasSize(1);
    assertThat(startedBy(off.id())).isEmpty();
  }

  @Test
  void aReplacedScheduleIsDueAtItsNewTimesAndKeepsItsLastRun() {
    Schedule s = scheduler.create(spec("0 3 * * *", ZoneOffset.UTC, FULL_SPACE, false));
    assertThat(tickAt(Instant.parse("2026-03-28T03:00:00Z"))).isEqualTo(1);
    executor.runAll();

    Schedule replaced = scheduler.replace(s.id(), spec("30 14 * * *", BERLIN, FULL_SPACE, true));

    assertThat(replaced.nextRunAt()).contains(Instant.parse("2026-03-28T13:30:00Z"));
    assertThat(replaced.lastRunAt()).contains(Instant.parse("2026-03-28T03:00:00Z"));
    assertThat(replaced.lastCampaignId()).isPresent();
    assertThat(replaced.createdAt()).isEqualTo(s.createdAt());
    assertThatThrownBy(() -> scheduler.replace("ghost", spec("0 3 * * *", BERLIN, "{}", true)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> scheduler.delete("ghost"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    scheduler.delete(s.id());
    assertThatThrownBy(() -> scheduler.get(s.id()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void aCronExpressionTheLibraryRefusesIsA400OnCron() {
    assertThatThrownBy(() -> scheduler.create(spec("0 3 * *", ZoneOffset.UTC, FULL_SPACE, true)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).contains("cron");
              assertThat(e.getMessage()).contains("contains 4 parts");
            });
    assertThat(scheduler.list()).isEmpty();
  }

  // ------------------------------------------------------------------------------ missed runs

  @Test
  void runsMissedWhileTheServiceWasDownRunOnceAtStartUp() {
    Schedule s = scheduler.create(spec("0 3 * * *", ZoneOffset.UTC, FULL_SPACE, false));
    // The service stops before the first run and is back three and a half days later: three
    // fire times went by.
    schedules.close();
    clock.advance(Duration.ofHours(24 * 3 + 17));
    schedules = TrialStores.openSchedulesH2(dataDir);
    scheduler = newScheduler(schedules);

    assertThat(scheduler.tick()).as("the first tick at start-up").isEqualTo(1);
    assertThat(scheduler.tick()).isZero();
    clock.advance(Duration.ofHours(1));
    assertThat(scheduler.tick()).isZero();

    assertThat(startedBy(s.id())).hasSize(1);
    Schedule after = scheduler.get(s.id());
    assertThat(after.lastRunAt()).contains(Instant.parse("2026-03-31T05:00:00Z"));
    assertThat(after.nextRunAt()).contains(Instant.parse("2026-04-01T03:00:00Z"));
    executor.runAll();
    assertThat(trials.campaign(after.lastCampaignId().orElseThrow()).orElseThrow().status())
        .isEqualTo(CampaignStatus.COMPLETED);
  }

  @Test
  void ofTwoSchedulersOnOneDatabaseOneFiresEachRun() {
    Schedule s = scheduler.create(spec("0 3 * * *", ZoneOffset.UTC, FULL_SPACE, false));
    try (ScheduleStore otherStore = TrialStores.openSchedulesH2(dataDir)) {
      Scheduler other = newScheduler(otherStore);
      clock.advance(Duration.ofDays(1));
      assertThat(scheduler.tick() + other.tick()).isEqualTo(1);
      assertThat(startedBy(s.id())).hasSize(1);
    }
  }

  // ---------------------------------------------------------------------------- failed starts

  @Test
  void aBusyRuntimeIsRecordedAsTheLastErrorAndTriedAtTheNextFireTime() {
    Schedule s = scheduler.create(spec("0 3 * * *", ZoneOffset.UTC, FULL_SPACE, false));
    Campaign operators =
        campaigns.start(
            new ScheduleRequests(new CampaignRequests(registryOfRuntime())).campaignSpec(s.spec()),
            "operator");

    assertThat(tickAt(Instant.parse("2026-03-28T03:00:00Z"))).isEqualTo(1);
    Schedule busy = scheduler.get(s.id());
    assertThat(busy.lastError().orElseThrow())
        .contains("already has an active campaign")
        .contains(operators.id());
    assertThat(busy.lastRunAt()).contains(Instant.parse("2026-03-28T03:00:00Z"));
    assertThat(busy.lastCampaignId()).isEmpty();
    assertThat(busy.nextRunAt()).contains(Instant.parse("2026-03-29T03:00:00Z"));
    // Not retried before the next fire time, even once the runtime is free.
    executor.runAll();
    assertThat(tickAt(Instant.parse("2026-03-28T12:00:00Z"))).isZero();
    assertThat(startedBy(s.id())).isEmpty();

    assertThat(tickAt(Instant.parse("2026-03-29T03:00:00Z"))).isEqualTo(1);
    Schedule ok = scheduler.get(s.id());
    assertThat(ok.lastError()).isEmpty();
    assertThat(ok.lastCampaignId()).contains(startedBy(s.id()).get(0).id());
  }

  @Test
  void aTemplateThatNoLongerFitsTheRuntimeIsRecordedAsTheLastError() {
    // As if the runtime had lost a knob since the schedule was written.
    String stale =
        """
        {"runtime": "sim", "parameters": [{"name": "warp", "type": "int", "min": 1, "max": 2}]}
        """;
    schedules.create(
        Schedule.created(
            "stale",
            spec("0 3 * * *", ZoneOffset.UTC, stale, true),
            T0,
            Optional.of(Instant.parse("2026-03-28T03:00:00Z"))));

    assertThat(tickAt(Instant.parse("2026-03-28T03:00:00Z"))).isEqualTo(1);

    Schedule s = scheduler.get("stale");
    assertThat(s.lastError().orElseThrow())
        .startsWith("template.parameters[0].name: ")
        .contains("no knob 'warp'");
    assertThat(s.nextRunAt()).contains(Instant.parse("2026-03-29T03:00:00Z"));
    assertThat(trials.campaigns()).isEmpty();
  }

  // ------------------------------------------------------------------------------- warm start

  @Test
  void aWarmStartTellsTheNewStrategyTheRuntimesEarlierTrialsInsideItsSpace() {
    // Night 1, without warm start, over every knob: baseline (batch 1 fp32), 1 int8, 64 fp32
    // (out of memory), 16 fp32, which is pushed.
    Schedule first = scheduler.create(spec("0 3 * * *", ZoneOffset.UTC, FULL_SPACE, false));
    assertThat(tickAt(Instant.parse("2026-03-28T03:00:00Z"))).isEqualTo(1);
    executor.runAll();
    Campaign night1 = startedBy(first.id()).get(0);
    assertThat(strategies.get(0).told()).allMatch(t -> t.campaignId().equals(night1.id()));
    assertThat(runtime.current())
        .isEqualTo(Configuration.of("batch_size", 16, "quantization", "fp32"));
    scheduler.delete(first.id());

    // Night 2 tunes the batch size alone (quantization stays fp32) for latency.
    String batchForLatency =
        """
        {"runtime": "sim", "strategy": {"type": "list", "seed": 1}, "budget": {"maxTrials": 2},
         "parameters": [{"name": "batch_size", "type": "ordinal", "values": [1, 4, 16, 64]}],
         "objective": {"metric": "latency_p95_ms", "direction": "minimize"}}
        """;
    proposals = List.of(Configuration.of("batch_size", 4));
    Schedule second = scheduler.create(spec("0 3 * * *", ZoneOffset.UTC, batchForLatency, true));
    assertThat(tickAt(Instant.parse("2026-03-29T03:00:00Z"))).isEqualTo(1);
    executor.runAll();
    Campaign night2 = startedBy(second.id()).get(0);

    List<Trial> told = strategies.get(1).told();
    List<Trial> history = told.stream().filter(t -> !t.campaignId().equals(night2.id())).toList();
    // The int8 trial is outside: night 2 keeps quantization at fp32.
    assertThat(history)
        .extracting(Trial::id)
        .containsExactly(night1.id() + "-0", night1.id() + "-2", night1.id() + "-3");
    assertThat(told.subList(0, 3)).isEqualTo(history);
    Objective latency = Objective.minimize("latency_p95_ms");
    for (Trial t : List.of(history.get(0), history.get(2))) {
      Measurement m = t.measurement().orElseThrow();
      assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED);
      assertThat(t.objectiveValue()).hasValue(latency.valueIn(m).getAsDouble());
      assertThat(t.objectiveValue().getAsDouble())
          .isNotEqualTo(trials.trial(t.id()).orElseThrow().objectiveValue().getAsDouble());
    }
    assertThat(history.get(1).status()).isEqualTo(TrialStatus.FAILED);
    assertThat(history.get(1).reason().orElseThrow()).contains("fp32 does not fit");
  }

  @Test
  void withoutWarmStartTheStrategyHearsOnlyItsOwnTrials() {
    Schedule s = scheduler.create(spec("0 3 * * *", ZoneOffset.UTC, FULL_SPACE, false));
    for (int night = 0; night < 2; night++) {
      assertThat(tickAt(Instant.parse("2026-03-28T03:00:00Z").plus(Duration.ofDays(night))))
          .isEqualTo(1);
      executor.runAll();
    }
    List<Campaign> runs = startedBy(s.id());
    assertThat(runs).hasSize(2);
    assertThat(strategies).hasSize(2);
    String second = scheduler.get(s.id()).lastCampaignId().orElseThrow();
    assertThat(strategies.get(1).told()).isNotEmpty().allMatch(t -> t.campaignId().equals(second));
  }

  private RuntimeRegistry registryOfRuntime() {
    RuntimeRegistry r = new RuntimeRegistry();
    r.register(runtime);
    return r;
  }
}
