package io.infertune.api;

import io.infertune.tuner.measure.HostCpu;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.run.CampaignOutcome;
import io.infertune.tuner.run.CampaignRunner;
import io.infertune.tuner.run.TuningListener;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, tracks and stops campaigns: one {@link CampaignRunner} per campaign on its own (virtual)
 * thread, at most one active campaign per runtime.
 *
 * @implNote thread-safe.
 */
public final class CampaignService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CampaignService.class);

  private final TrialStore store;
  private final RuntimeRegistry runtimes;
  private final StrategyFactory strategies;
  private final Function<WorkloadSpec, Workload> workloads;
  private final Ticker ticker;
  private final List<TuningListener> listeners;
  private final Supplier<String> ids;
  private final ExecutorService executor;

  /** The message of a campaign that a crash of the service interrupted. */
  static final String INTERRUPTED = "interrupted: the service stopped during the campaign";

  /** Active campaigns by runtime id. */
  private final Map<String, Active> activeByRuntime = new ConcurrentHashMap<>();

  private record Active(String campaignId, CampaignRunner runner) {}

  /**
   * Runtimes an operator is reconfiguring now (a manual push or rollback), each with its holder's
   * token: no campaign starts on them meanwhile.
   */
  private final Map<String, Object> operatorHolds = new ConcurrentHashMap<>();

  public CampaignService(
      TrialStore store,
      RuntimeRegistry runtimes,
      StrategyFactory strategies,
      Function<WorkloadSpec, Workload> workloads,
      Ticker ticker,
      List<TuningListener> listeners,
      Supplier<String> ids,
      ExecutorService executor) {
    this.store = store;
    this.runtimes = runtimes;
    this.strategies = strategies;
    this.workloads = workloads;
    this.ticker = ticker;
    this.listeners = List.copyOf(listeners);
    this.ids = ids;
    this.executor = executor;
  }

  /**
   * Marks what a previous run of the service left unfinished: RUNNING trials become ABORTED and
   * unfinished campaigns STOPPED, so that the record says what happened.
   *
   * @return the ids of the campaigns so marked, which {@link #resume} can take up
   */
  public List<String> recoverInterrupted() {
    List<String> interrupted = new java.util.ArrayList<>();
    for (Campaign c : store.campaigns()) {
      if (c.status().isFinal()) {
        continue;
      }
      for (Trial t : store.trials(c.id())) {
        if (t.status() == TrialStatus.RUNNING) {
          store.saveTrial(
              t.ended(
                  TrialStatus.ABORTED,
                  "interrupted: the service stopped during the trial",
                  ticker.now()));
        }
      }
      store.updateCampaign(c.finished(CampaignStatus.STOPPED, INTERRUPTED, ticker.now()));
      log.info("campaign {} was interrupted by a service stop; marked STOPPED", c.id());
      interrupted.add(c.id());
    }
    return interrupted;
  }

  /** The factory campaigns get their strategies from (requests are checked against it). */
  StrategyFactory strategies() {
    return strategies;
  }

  /**
   * What campaigns' workloads are made by: requests are checked against it, so that a trace the
   * service would not read is the request's 400.
   */
  Function<WorkloadSpec, Workload> workloads() {
    return workloads;
  }

  /**
   * Records and starts a campaign.
   *
   * @throws ApiException 409 when the runtime already has an active campaign
   */
  public Campaign start(CampaignSpec spec, String startedBy) {
    return start(spec, startedBy, UnaryOperator.identity());
  }

  /**
   * Records and starts a campaign whose strategy comes from {@code strategies} applied to the
   * service's strategy factory: a scheduled campaign's warm start decorates it to tell the new
   * strategy the runtime's history.
   *
   * @throws ApiException 409 when the runtime already has an active campaign
   */
  public Campaign start(
      CampaignSpec spec, String startedBy, UnaryOperator<StrategyFactory> strategies) {
    RuntimeAdapter runtime =
        runtimes
            .find(spec.runtimeId())
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "runtime", "unknown runtime '" + spec.runtimeId() + "'"));
    Campaign campaign = Campaign.created(ids.get(), spec, startedBy, ticker.now());
    return launch(
        campaign,
        runtime,
        strategies.apply(this.strategies),
        () -> store.createCampaign(campaign),
        campaign.finished(CampaignStatus.FAILED, "the service is shutting down", ticker.now()));
  }

  /**
   * Takes a stopped, failed or interrupted campaign up again where it was: trials a crash left
   * RUNNING become ABORTED, the strategy is told the stored trials, and the campaign runs the rest
   * of its trial budget (its time budget starts afresh). One that a crash interrupted after its
   * last trial goes on to its conclusion (the promotion of its best configuration).
   *
   * @throws ApiException 404 for an unknown campaign; 409 when it is active, has completed or spent
   *     its trial budget (unless a crash interrupted it), its runtime is not registered, or the
   *     runtime has another active campaign
   */
  public Campaign resume(String campaignId) {
    Campaign stopped =
        store
            .campaign(campaignId)
            .orElseThrow(() -> ApiException.notFound("no campaign '" + campaignId + "'"));
    if (isActive(campaignId) || !stopped.status().isFinal()) {
      throw ApiException.conflict("campaign '" + campaignId + "' is already running");
    }
    if (stopped.status() == CampaignStatus.COMPLETED) {
      throw ApiException.conflict(
          "campaign '"
              + campaignId
              + "' has completed"
              + stopped.message().map(m -> " (" + m + ")").orElse("")
              + "; start a new one");
    }
    int maxTrials = stopped.spec().budget().maxTrials();
    // One a crash interrupted after its last trial (while it promoted its best configuration)
    // resumes too: it goes straight on to its conclusion.
    boolean crashed = stopped.message().filter(INTERRUPTED::equals).isPresent();
    if (!crashed && store.trials(campaignId).size() >= maxTrials) {
      throw ApiException.conflict(
          "campaign '"
              + campaignId
              + "' has spent its trial budget of "
              + maxTrials
              + "; start a new one");
    }
    String runtimeId = stopped.spec().runtimeId();
    RuntimeAdapter runtime =
        runtimes
            .find(runtimeId)
            .orElseThrow(
                () ->
                    ApiException.conflict(
                        "campaign '"
                            + campaignId
                            + "' ran on runtime '"
                            + runtimeId
                            + "', which this service does not have now"));
    Campaign resumed = stopped.resumed();
    log.info("resuming campaign {} on runtime {}", campaignId, runtimeId);
    return launch(resumed, runtime, this.strategies, () -> store.updateCampaign(resumed), stopped);
  }

  /**
   * Claims the runtime for {@code campaign}, stores it ({@code record}) and runs it on the
   * executor; {@code onRejected} is stored when the executor no longer takes work.
   */
  private Campaign launch(
      Campaign campaign,
      RuntimeAdapter runtime,
      StrategyFactory strategyFactory,
      Runnable record,
      Campaign onRejected) {
    Workload workload;
    try {
      workload = workloads.apply(campaign.spec().workload());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("workload", e.getMessage());
    }
    AtomicReference<Active> self = new AtomicReference<>();
    CampaignRunner.Builder builder =
        CampaignRunner.builder()
            .store(store)
            .runtime(runtime)
            .strategies(strategyFactory)
            .workload(workload)
            .ticker(ticker)
            .hostCpu(host)
            // Frees the runtime before the final status is stored, so that a client who sees the
            // campaign ended can start the next one at once.
            .listener(
                new TuningListener() {
                  @Override
                  public void campaignFinished(CampaignOutcome outcome) {
                    activeByRuntime.remove(runtime.id(), self.get());
                  }
                });
    listeners.forEach(builder::listener);
    CampaignRunner runner = builder.build();
    Active active = new Active(campaign.id(), runner);
    self.set(active);
    Active existing = activeByRuntime.putIfAbsent(runtime.id(), active);
    if (existing != null) {
      throw ApiException.conflict(
          "runtime '"
              + runtime.id()
              + "' already has an active campaign: "
              + existing.campaignId()
              + " (stop it first)");
    }
    // Put, then look at the other map, as whileNoCampaign does in the opposite order: of two
    // racing callers at least one sees the other, so a runtime never has both.
    if (operatorHolds.containsKey(runtime.id())) {
      activeByRuntime.remove(runtime.id(), active);
      throw ApiException.conflict(
          "runtime '" + runtime.id() + "' is being reconfigured by an operator; try again");
    }
    try {
      record.run();
      executor.execute(() -> run(runtime.id(), active, campaign));
    } catch (RejectedExecutionException e) {
      activeByRuntime.remove(runtime.id(), active);
      store.updateCampaign(onRejected);
      throw new ApiException(503, "the service is shutting down", Optional.empty());
    } catch (RuntimeException e) {
      activeByRuntime.remove(runtime.id(), active);
      throw e;
    }
    return campaign;
  }

  private void run(String runtimeId, Active active, Campaign campaign) {
    try {
      CampaignOutcome o = active.runner().run(campaign);
      log.info(
          "campaign {} ended {}: {}",
          campaign.id(),
          o.campaign().status(),
          o.campaign().message().orElse(""));
    } catch (RuntimeException e) {
      log.error("campaign {} crashed", campaign.id(), e);
    } finally {
      activeByRuntime.remove(runtimeId, active);
    }
  }

  /**
   * Asks an active campaign to stop; returns its record.
   *
   * @throws ApiException 404 for an unknown campaign, 409 for one that already ended
   */
  public Campaign stop(String campaignId) {
    Campaign c =
        store
            .campaign(campaignId)
            .orElseThrow(() -> ApiException.notFound("no campaign '" + campaignId + "'"));
    Optional<Active> active =
        activeByRuntime.values().stream()
            .filter(a -> a.campaignId().equals(campaignId))
            .findFirst();
    if (active.isEmpty()) {
      throw ApiException.conflict(
          "campaign '"
              + campaignId
              + "' is not running ("
              + c.status().name().toLowerCase(java.util.Locale.ROOT)
              + ")");
    }
    active.get().runner().stop();
    return c;
  }

  /**
   * Runs {@code action} (a manual push or rollback) while no campaign is active on the runtime and
   * none can start, so that an operator and a campaign never reconfigure it at the same time.
   *
   * @throws ApiException 409 when a campaign is active on the runtime, or another operator change
   *     to it is in progress
   */
  public <T> T whileNoCampaign(String runtimeId, Supplier<T> action) {
    Object token = new Object();
    if (operatorHolds.putIfAbsent(runtimeId, token) != null) {
      throw ApiException.conflict(
          "another change to runtime '" + runtimeId + "' is in progress; try again");
    }
    try {
      Active active = activeByRuntime.get(runtimeId);
      if (active != null) {
        throw ApiException.conflict(
            "runtime '"
                + runtimeId
                + "' has an active campaign: "
                + active.campaignId()
                + " (stop it first)");
      }
      return action.get();
    } finally {
      operatorHolds.remove(runtimeId, token);
    }
  }

  /** Where campaigns read the CPU other processes take during their windows; none by default. */
  private volatile HostCpu host = HostCpu.NONE;

  /** Campaigns started from now on flag windows in which other processes took much of the CPU. */
  void measureHostCpu(HostCpu host) {
    this.host = Objects.requireNonNull(host, "host");
  }

  /** Whether a campaign is running on {@code runtimeId} in this process. */
  public boolean hasActiveCampaign(String runtimeId) {
    return activeByRuntime.containsKey(runtimeId);
  }

  /** Whether the campaign is running in this process. */
  public boolean isActive(String campaignId) {
    return activeByRuntime.values().stream().anyMatch(a -> a.campaignId().equals(campaignId));
  }

  /** The ids of the campaigns running now (a snapshot). */
  public java.util.Set<String> activeCampaignIds() {
    return activeByRuntime.values().stream()
        .map(Active::campaignId)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  public int activeCount() {
    return activeByRuntime.size();
  }

  /** Stops every active campaign and waits for them to restore their runtimes. */
  @Override
  public void close() {
    activeByRuntime.values().forEach(a -> a.runner().stop());
    executor.shutdown();
    try {
      if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
        log.warn("campaigns did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
