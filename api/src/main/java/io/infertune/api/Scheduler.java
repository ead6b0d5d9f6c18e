package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.schedule.Schedule;
import io.infertune.tuner.schedule.ScheduleSpec;
import io.infertune.tuner.schedule.ScheduleStore;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled campaigns: keeps the schedules and, at each {@link #tick}, starts the campaigns of
 * those that are due.
 *
 * <p>Nothing here waits or reads a clock of its own: the time is the injected {@link Ticker}'s wall
 * clock, and whoever drives the scheduler calls {@link #tick} (the service every few seconds from a
 * timer thread, tests directly after moving a manual ticker). A schedule fires at most once per
 * fire time, up to a tick period late.
 *
 * <p>A schedule's next run is stored with it. A tick fires every enabled schedule whose next run is
 * at or before now, after moving its next run to the first fire time after now: a schedule that
 * missed fire times while the service was down runs once when the service is back (its first tick),
 * not once per missed time. The move is a compare-and-set in the store, so that of several service
 * instances on one database one fires each run.
 *
 * <p>A run re-checks the template against the runtime's knobs and starts the campaign through
 * {@link CampaignService}, {@code startedBy} {@code schedule:<id>}. A run that starts nothing (the
 * runtime busy with another campaign, a template no longer valid) records why as the schedule's
 * last error and waits for the next fire time; it is not retried sooner. With warm start on, the
 * campaign's strategy first hears the runtime's earlier trials ({@link WarmStartStrategies}).
 *
 * @implNote thread-safe: writes and ticks of this instance take turns (a write never lands between
 *     a tick's reading of a schedule and its firing); the store arbitrates between instances.
 */
public final class Scheduler {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  /**
   * How late a run must be to be logged as missed rather than merely caught by the next tick: far
   * more than a tick period (seconds), so it means the service was down.
   */
  private static final Duration MISSED_AFTER = Duration.ofMinutes(1);

  private final ScheduleStore store;
  private final CampaignService campaigns;
  private final ScheduleRequests requests;
  private final TrialStore trials;
  private final RuntimeRegistry runtimes;
  private final Ticker ticker;
  private final Supplier<String> ids;

  /**
   * @param trials where the warm start reads the runtimes' earlier trials
   * @param ids new schedule ids
   */
  public Scheduler(
      ScheduleStore store,
      CampaignService campaigns,
      TrialStore trials,
      RuntimeRegistry runtimes,
      Ticker ticker,
      Supplier<String> ids) {
    this.store = store;
    this.campaigns = campaigns;
    this.requests =
        new ScheduleRequests(
            new CampaignRequests(runtimes, campaigns.strategies(), campaigns.workloads()));
    this.trials = trials;
    this.runtimes = runtimes;
    this.ticker = ticker;
    this.ids = ids;
  }

  // ------------------------------------------------------------------------------------ writes

  /**
   * Records a new schedule, due at its first fire time from now.
   *
   * @throws ApiException 400 when the cron expression is invalid
   */
  public synchronized Schedule create(ScheduleSpec spec) {
    Instant now = now();
    Schedule s = Schedule.created(ids.get(), spec, now, nextRun(spec, now));
    store.create(s);
    log.info(
        "schedule {} '{}' created: {}, next run {}", s.id(), spec.name(), spec.cron(), next(s));
    return s;
  }

  /**
   * Replaces a schedule's spec; its next run is computed afresh from now, its last run kept.
   *
   * @throws ApiException 404 for an unknown schedule, 400 when the cron expression is invalid
   */
  public synchronized Schedule replace(String id, ScheduleSpec spec) {
    Optional<Instant> next = nextRun(spec, now());
    if (!store.update(id, spec, next)) {
      throw notFound(id);
    }
    Schedule s = get(id);
    log.info("schedule {} '{}' replaced: {}, next run {}", id, spec.name(), spec.cron(), next(s));
    return s;
  }

  /**
   * Removes a schedule; the campaigns it started stay.
   *
   * @throws ApiException 404 for an unknown schedule
   */
  public synchronized void delete(String id) {
    if (!store.delete(id)) {
      throw notFound(id);
    }
    log.info("schedule {} deleted", id);
  }

  /**
   * @throws ApiException 404 for an unknown schedule
   */
  public Schedule get(String id) {
    return store.get(id).orElseThrow(() -> notFound(id));
  }

  /** All schedules, newest first. */
  public List<Schedule> list() {
    return store.list();
  }

  /**
   * Checks a request body as a schedule: the cron expression, the zone and the template.
   *
   * @throws ApiException 400 naming the field at fault
   */
  ScheduleSpec parse(JsonNode body) {
    return requests.parse(body);
  }

  // ------------------------------------------------------------------------------------- ticks

  /**
   * Fires every enabled schedule due at the ticker's now; returns how many this call fired (whether
   * their campaigns started or not). Never throws for one schedule's trouble: it is logged and the
   * others still fire.
   */
  public synchronized int tick() {
    Instant now = now();
    int fired = 0;
    for (Schedule s : store.list()) {
      if (!s.spec().enabled() || s.nextRunAt().isEmpty() || s.nextRunAt().get().isAfter(now)) {
        continue;
      }
      try {
        if (fire(s, now)) {
          fired++;
        }
      } catch (RuntimeException e) {
        log.error("schedule {} could not fire", s.id(), e);
      }
    }
    return fired;
  }

  /**
   * Starts now the campaign of the first schedule that re-tunes {@code runtimeId} on drift ({@link
   * ScheduleSpec#retuneOnDrift()}), warm-started when the schedule says so, started by {@code
   * "drift:<schedule id>"}; its next cron run is left as it was.
   *
   * @param why the drift, for the log
   * @return the campaign started; empty when no schedule asks for it, or when it could not start
   *     (the runtime is busy with another campaign, the template no longer fits the runtime)
   */
  public synchronized Optional<Campaign> retuneOnDrift(String runtimeId, String why) {
    for (Schedule s : store.list()) {
      if (!s.spec().retuneOnDrift()) {
        continue;
      }
      CampaignSpec spec;
      try {
        spec = requests.campaignSpec(s.spec());
      } catch (ApiException e) {
        log.warn("schedule {}: its template cannot re-tune on drift: {}", s.id(), e.getMessage());
        continue;
      }
      if (!spec.runtimeId().equals(runtimeId)) {
        continue;
      }
      try {
        Campaign c = campaigns.start(spec, "drift:" + s.id(), warmStart(s, spec));
        store.recordStarted(s.id(), now(), c.id());
        log.info(
            "drift on {} ({}): schedule {} started campaign {}", runtimeId, why, s.id(), c.id());
        return Optional.of(c);
      } catch (ApiException e) {
        log.info(
            "drift on {} ({}): schedule {} started no campaign: {}",
            runtimeId,
            why,
            s.id(),
            e.getMessage());
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Takes the due run of {@code s} and starts its campaign; false when the run was taken. */
  private boolean fire(Schedule s, Instant now) {
    Instant due = s.nextRunAt().orElseThrow();
    Optional<Instant> next;
    try {
      next = CronSchedule.parse(s.spec().cron(), s.spec().zone()).nextAfter(now);
    } catch (IllegalArgumentException e) {
      // Accepted when written, refused now (another version of the cron library): stop firing,
      // and say why, rather than fire at every tick.
      if (store.claim(s.id(), due, Optional.empty())) {
        store.recordFailed(s.id(), now, "cron: " + e.getMessage() + "; the schedule is stopped");
      }
      return false;
    }
    if (!store.claim(s.id(), due, next)) {
      return false;
    }
    if (due.isBefore(now.minus(MISSED_AFTER))) {
      log.info(
          "schedule {} missed its run at {} (the service was down); running it once now",
          s.id(),
          due);
    }
    try {
      CampaignSpec spec = requests.campaignSpec(s.spec());
      Campaign c = campaigns.start(spec, "schedule:" + s.id(), warmStart(s, spec));
      store.recordStarted(s.id(), now, c.id());
      log.info("schedule {} started campaign {}; next run {}", s.id(), c.id(), next);
    } catch (ApiException e) {
      String error = e.field().map(f -> f + ": ").orElse("") + e.getMessage();
      store.recordFailed(s.id(), now, error);
      log.warn("schedule {} started no campaign ({}); next run {}", s.id(), error, next);
    } catch (RuntimeException e) {
      log.error("schedule {} failed to start its campaign", s.id(), e);
      store.recordFailed(s.id(), now, "internal error: " + e);
    }
    return true;
  }

  private UnaryOperator<StrategyFactory> warmStart(Schedule s, CampaignSpec spec) {
    Optional<RuntimeAdapter> runtime = runtimes.find(spec.runtimeId());
    if (!s.spec().warmStart() || runtime.isEmpty()) {
      return UnaryOperator.identity();
    }
    return base -> new WarmStartStrategies(base, trials, runtime.get());
  }

  // ---------------------------------------------------------------------------------- helpers

  /** The first fire time after {@code now} of an enabled spec; empty for a disabled one. */
  private static Optional<Instant> nextRun(ScheduleSpec spec, Instant now) {
    CronSchedule cron;
    try {
      cron = CronSchedule.parse(spec.cron(), spec.zone());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("cron", e.getMessage());
    }
    return spec.enabled() ? cron.nextAfter(now) : Optional.empty();
  }

  /**
   * The ticker's time to the microsecond, the finest every store keeps: what a write returns equals
   * what is read back.
   */
  private Instant now() {
    return ticker.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static String next(Schedule s) {
    return s.nextRunAt().map(Instant::toString).orElse("none (disabled)");
  }

  private static ApiException notFound(String id) {
    return ApiException.notFound("no schedule '" + id + "'");
  }
}
