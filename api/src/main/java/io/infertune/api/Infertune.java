package io.infertune.api;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.workload.TraceDirectory;
import io.infertune.runtime.workload.Workloads;
import io.infertune.store.Stores;
import io.infertune.store.TrialStores;
import io.infertune.strategies.Strategies;
import io.infertune.tuner.measure.HostCpu;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.schedule.ScheduleStore;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.study.StudyService;
import io.infertune.tuner.study.StudyStore;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The service, wired: the store, the runtimes, the campaign service, the scheduler, metrics and the
 * HTTP server. The one place that knows every module.
 */
public final class Infertune implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Infertune.class);

  /**
   * Studies whose strategy stays in memory; others are rebuilt from the store on their next request
   * (a bayesian rebuild is one GP fit, tens of milliseconds at 200 trials).
   */
  private static final int LIVE_STUDY_STRATEGIES = 64;

  /**
   * Seconds between two looks for due schedules: a schedule fires up to this late (cron's
   * resolution is a minute). The first look is at start-up, which runs missed schedules.
   */
  private static final long SCHEDULER_TICK_SECONDS = 10;

  /** How stale the campaigns-by-state gauges may be: one store read per this, whatever scrapes. */
  private static final java.time.Duration CAMPAIGN_COUNTS_MAX_AGE = java.time.Duration.ofSeconds(5);

  private final Stores stores;
  private final TrialStore store;
  private final RuntimeRegistry runtimes;
  private final CampaignService campaigns;
  private final StudyStore studyStore;
  private final StudyService studies;
  private final ScheduleStore scheduleStore;
  private final Scheduler scheduler;
  private final ScheduledExecutorService schedulerTimer;
  private final DriftWatcher driftWatcher;
  private final ScheduledExecutorService driftTimer;
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final Vertx vertx;
  private final ApiSecurity security;
  private final ApiVerticle api;

  private Infertune(ServiceConfig config, List<? extends RuntimeAdapter> launched)
      throws Exception {
    Files.createDirectories(config.dataDir());
    // Where operators put the traces campaigns replay; the only place they are read from.
    Files.createDirectories(config.traceDir());
    TraceDirectory traces = TraceDirectory.at(config.traceDir());
    // One pool and one schema migration for the stores of the service's database.
    stores = TrialStores.openAllH2(config.dataDir());
    try {
      security = ApiSecurity.forService(config, stores.tokens(), stores.audit(), Ticker.system());
    } catch (RuntimeException e) {
      stores.close();
      throw e;
    }
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    store = stores.trials();
    studyStore = stores.studies();
    studies =
        new StudyService(
            studyStore,
            new Strategies(),
            Ticker.system(),
            () -> UUID.randomUUID().toString(),
            LIVE_STUDY_STRATEGIES);
    runtimes = new RuntimeRegistry();
    EmbeddedRuntime embedded = embeddedRuntime(config);
    // Every runtime is registered instrumented: apply timings and scrape errors on /metrics.
    runtimes.register(new InstrumentedRuntime(embedded, registry));
    // Runtimes in processes of their own (launched or attached http runtimes): registered before
    // the deployments are restored, so that they get theirs back too.
    launched.forEach(r -> runtimes.register(new InstrumentedRuntime(r, registry)));
    // The runtime's own counters and histograms (its bucket bounds, not Micrometer's) on /metrics.
    registry
        .getPrometheusRegistry()
        .register(new RuntimeMetricsCollector(Map.of(embedded.id(), embedded.metrics())));

    TuningMetrics tuningMetrics = new TuningMetrics();
    tuningMetrics.bindTo(registry);
    new CampaignStateMetrics(store, Ticker.system(), CAMPAIGN_COUNTS_MAX_AGE).bindTo(registry);
    // The dashboard's live streams; the epoch tells this process's event ids from a previous one's.
    CampaignEvents events =
        new CampaignEvents(Long.toString(Ticker.system().now().toEpochMilli(), 36));
    campaigns =
        new CampaignService(
            store,
            runtimes,
            new Strategies(),
            spec -> Workloads.from(spec, traces),
            Ticker.system(),
            List.of(tuningMetrics, DeploymentMetrics.on(registry), events),
            () -> UUID.randomUUID().toString(),
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("campaign-", 0).factory()));
    // The API's threads take CPU from an embedded runtime as other processes would: counted apart.
    campaigns.measureHostCpu(HostCpu.linux(Infertune::isApiThread));
    List<String> interrupted = campaigns.recoverInterrupted();
    restoreDeployments();
    if (config.resumeInterrupted()) {
      interrupted.forEach(this::resumeInterrupted);
    }

    vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    scheduleStore = stores.schedules();
    scheduler =
        new Scheduler(
            scheduleStore,
            campaigns,
            store,
            runtimes,
            Ticker.system(),
            () -> UUID.randomUUID().toString());
    driftWatcher =
        new DriftWatcher(
            runtimes,
            campaigns,
            scheduler::retuneOnDrift,
            registry,
            Ticker.system(),
            new Measurer(Ticker.system(), Runtime.getRuntime().availableProcessors()),
            DriftWatcher.Settings.DEFAULT);
    api =
        new ApiVerticle(
            config,
            store,
            runtimes,
            campaigns,
            studies,
            scheduler,
            registry,
            driftWatcher,
            security,
            events);
    vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // One thread, fixed delay: ticks never overlap, and a slow one delays the next.
    schedulerTimer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("scheduler").daemon().factory());
    schedulerTimer.scheduleWithFixedDelay(
        this::tickScheduler, 0, SCHEDULER_TICK_SECONDS, TimeUnit.SECONDS);
    // Its own thread: a look may wait on a slow scrape, which must not delay schedules.
    driftTimer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("drift-watcher").daemon().factory());
    long driftMillis = DriftWatcher.Settings.DEFAULT.interval().toMillis();
    driftTimer.scheduleWithFixedDelay(
        this::tickDrift, driftMillis, driftMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Whether a Java thread of this process, by its name, serves the API: Vert.x's event loops,
   * workers and acceptor ({@code vert.x-...}); no runtime or load generator of a campaign runs on
   * Vert.x.
   */
  static boolean isApiThread(String javaThreadName) {
    return javaThreadName.startsWith("vert.x-");
  }

  private void tickDrift() {
    try {
      driftWatcher.tick();
    } catch (RuntimeException e) {
      log.error("drift watcher tick failed", e);
    }
  }

  /** One look for due schedules; a failure must not cancel the timer's later looks. */
  private void tickScheduler() {
    try {
      scheduler.tick();
    } catch (RuntimeException e) {
      log.error("scheduler tick failed", e);
    }
  }

  /** Takes up a campaign a crash interrupted; one that cannot resume stays STOPPED, logged. */
  private void resumeInterrupted(String campaignId) {
    try {
      campaigns.resume(campaignId);
    } catch (ApiException e) {
      log.warn("interrupted campaign {} not resumed: {}", campaignId, e.getMessage());
    }
  }

  /**
   * Puts each runtime back on the configuration last pushed to it: the embedded runtime lives in
   * this process and starts on its defaults, and what was proven better should survive a restart.
   */
  private void restoreDeployments() {
    for (var runtime : runtimes.all()) {
      store.deployments(runtime.id()).stream()
          .findFirst()
          .ifPresent(
              d -> {
                try {
                  runtime.apply(d.after());
                  log.info("runtime {} restored to its last deployment {}", runtime.id(), d.id());
                } catch (io.infertune.tuner.runtime.ApplyFailedException e) {
                  log.warn(
                      "runtime {} could not take its last deployment {}: {}",
                      runtime.id(),
                      d.id(),
                      e.getMessage());
                }
              });
    }
  }

  /** The embedded ONNX Runtime server, with its model files extracted under the data directory. */
  static EmbeddedRuntime embeddedRuntime(ServiceConfig config) {
    return EmbeddedRuntime.builder().modelCacheDir(config.dataDir().resolve("models")).build();
  }

  /**
   * Starts the service; returns once it listens.
   *
   * @throws RefusedToStartException when it would listen beyond loopback without API tokens
   * @throws Exception when the store, the runtime or the port cannot be opened
   */
  public static Infertune start(ServiceConfig config) throws Exception {
    return new Infertune(config, List.of());
  }

  /**
   * Starts the service with runtimes that live outside it as well ({@code http} adapters), which it
   * registers and, from then on, owns: closing the service closes them.
   *
   * @throws RefusedToStartException when it would listen beyond loopback without API tokens
   * @throws Exception when the store, the runtime or the port cannot be opened
   */
  public static Infertune start(ServiceConfig config, List<? extends RuntimeAdapter> launched)
      throws Exception {
    return new Infertune(config, launched);
  }

  public int port() {
    return api.actualPort();
  }

  ApiVerticle api() {
    return api;
  }

  public TrialStore store() {
    return store;
  }

  public RuntimeRegistry runtimes() {
    return runtimes;
  }

  public CampaignService campaigns() {
    return campaigns;
  }

  /**
   * Stops the scheduler, the HTTP server, the campaigns (restoring runtimes), the runtimes and the
   * stores.
   */
  @Override
  public void close() {
    // No schedule may start a campaign while they stop. Not shutdownNow: an interrupt landing in
    // the store's I/O closes H2's file.
    schedulerTimer.shutdown();
    driftTimer.shutdown();
    try {
      if (!schedulerTimer.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("the scheduler's tick did not end within 30 s");
      }
      if (!driftTimer.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("the drift watcher's look did not end within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Closing goes on: the campaigns and the store matter more than a clean HTTP shutdown.
      log.warn("HTTP server did not close cleanly", e);
    }
    campaigns.close();
    studies.close();
    runtimes.close();
    stores.close();
    gcMetrics.close();
    registry.close();
  }
}
