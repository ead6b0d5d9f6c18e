package io.infertune.tuner.run;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementException;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.measure.WindowMonitor;
import io.infertune.tuner.measure.WindowReport;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.LiveTraffic;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.space.TrustRegion;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one campaign: a baseline trial of the runtime's configuration as found, then the strategy's
 * proposals until the budget is spent, then the push of the best feasible configuration (or the
 * restore of the original one).
 *
 * <p>Every trial is stored RUNNING before it is applied and stored final before the strategy is
 * told, so that a crash never loses what a trial saw. A campaign found with stored trials resumes:
 * trials left RUNNING by a crash are marked ABORTED, the strategy is warm-started from the others,
 * and numbering continues.
 *
 * <p>When the measurement spec asks for it, a proposal whose partial measurement is already clearly
 * worse than the incumbent, or clearly outside a constraint, is abandoned and stored PRUNED with
 * what it measured ({@link Pruner}; never the baseline or a re-measurement), and the incumbent is
 * re-measured every N trials as a trial of its own, whose value becomes the reference for pruning
 * ({@link Incumbent}). Both kinds of trial are told to the strategy like any other.
 *
 * @implNote {@link #run} blocks its calling thread (one virtual thread per campaign); {@link #stop}
 *     may be called from any thread.
 */
public final class CampaignRunner {
  private static final Logger log = LoggerFactory.getLogger(CampaignRunner.class);

  private final TrialStore store;
  private final RuntimeAdapter runtime;
  private final StrategyFactory strategies;
  private final Workload workload;
  private final Measurer measurer;
  private final io.infertune.tuner.measure.Ticker ticker;
  private final List<TuningListener> listeners;
  private final Supplier<String> deploymentIds;

  private volatile boolean stopRequested;

  /** The promoter's load: the campaign's workload, or live traffic (set when the campaign runs). */
  private volatile Workload liveOrLoad;

  /** The configuration the campaign found in force (its baseline's), set when the campaign runs. */
  private volatile Configuration original;

  /**
   * The configuration the runtime last served a whole measurement with: the campaign's original at
   * first, then that of each trial that completed. A runtime that failed under a trial is recovered
   * on it.
   */
  private volatile Configuration lastKnownGood;

  private SearchStrategy strategy;

  /** The thread while it measures: the only time a stop interrupts it (guarded by itself). */
  private final Object interruptLock = new Object();

  private Thread measuringThread;

  private CampaignRunner(Builder b) {
    this.store = Objects.requireNonNull(b.store, "store");
    this.runtime = Objects.requireNonNull(b.runtime, "runtime");
    this.strategies = Objects.requireNonNull(b.strategies, "strategies");
    this.workload = Objects.requireNonNull(b.workload, "workload");
    this.ticker = Objects.requireNonNull(b.ticker, "ticker");
    this.measurer = b.measurer != null ? b.measurer : new Measurer(ticker, b.cores, b.host);
    this.listeners = List.copyOf(b.listeners);
    this.deploymentIds = Objects.requireNonNull(b.deploymentIds, "deploymentIds");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Asks the campaign to stop: the trial in progress is abandoned (ABORTED), the runtime gets its
   * original configuration back, and the campaign ends STOPPED.
   */
  public void stop() {
    stopRequested = true;
    // Interrupt only a measurement window: an interrupt that lands in JDBC or file I/O can close
    // the store (H2 closes its file), so everything else just checks stopRequested.
    synchronized (interruptLock) {
      if (measuringThread != null) {
        measuringThread.interrupt();
      }
    }
  }

  /** Runs (or resumes) {@code campaign} to its end and returns how it ended. */
  public CampaignOutcome run(Campaign campaign) {
    try {
      return runInternal(campaign);
    } finally {
      closeStrategy();
    }
  }

  private CampaignOutcome runInternal(Campaign initial) {
    CampaignSpec spec = initial.spec();
    Campaign campaign = initial.withStatus(CampaignStatus.RUNNING);
    store.updateCampaign(campaign);
    for (TuningListener l : listeners) {
      l.campaignStarted(campaign);
    }
    long startNanos = ticker.nanos();
    List<Trial> trials = new ArrayList<>(recoverTrials(campaign));
    Configuration original =
        trials.stream()
            .filter(Trial::baseline)
            .findFirst()
            .map(Trial::configuration)
            .orElseGet(runtime::current);
    this.original = original;
    this.lastKnownGood =
        trials.stream()
            .filter(t -> t.status() == TrialStatus.COMPLETED)
            .reduce((first, second) -> second)
            .map(Trial::configuration)
            .orElse(original);
    this.liveOrLoad = workload(spec);

    SearchStrategy strategy;
    try {
      strategy =
          this.strategy =
              strategies.create(
                  spec.strategy().type(),
                  new StrategyContext(
                      searchSpace(spec, original),
                      spec.objective(),
                      spec.constraints(),
                      spec.strategy().seed(),
                      spec.budget().maxTrials()));
    } catch (RuntimeException e) {
      return finish(
          campaign, CampaignStatus.FAILED, "strategy: " + e.getMessage(), trials, original);
    }
    for (Trial t : trials) {
      if (t.status().isFinal() && t.status() != TrialStatus.ABORTED) {
        strategy.tell(t);
      }
    }

    String endMessage = null;
    try {
      if (baselineOf(trials).isEmpty()) {
        Trial baseline = runTrial(campaign, trials.size(), original, true);
        trials.add(baseline);
        strategy.tell(baseline);
      }
      while (true) {
        if (stopRequested) {
          throw new InterruptedException();
        }
        if (trials.size() >= spec.budget().maxTrials()) {
          endMessage = "trial budget of " + spec.budget().maxTrials() + " spent";
          break;
        }
        if (spec.budget().maxDuration().isPresent()
            && ticker.nanos() - startNanos >= spec.budget().maxDuration().get().toNanos()) {
          endMessage = "time budget of " + spec.budget().maxDuration().get() + " spent";
          break;
        }
        Optional<Incumbent> stale =
            Incumbent.dueForRemeasurement(
                trials, spec.objective(), spec.measurement().remeasureIncumbentEvery());
        if (stale.isPresent()) {
          Trial again =
              runTrial(
                  campaign,
                  trials.size(),
                  stale.get().trial().configuration(),
                  false,
                  TrialPlan.remeasure(stale.get().trial(), spec));
          trials.add(again);
          strategy.tell(again);
          continue;
        }
        List<Configuration> asked = strategy.ask(1);
        if (asked.isEmpty()) {
          endMessage = "search space exhausted";
          break;
        }
        Trial t =
            runTrial(
                campaign,
                trials.size(),
                original.overlay(asked.get(0)),
                false,
                TrialPlan.explore(trials, spec));
        trials.add(t);
        strategy.tell(t);
      }
    } catch (InterruptedException e) {
      return finish(
          campaign,
          CampaignStatus.STOPPED,
          "stopped after " + trials.size() + " trials; original configuration restored",
          trials,
          original);
    } catch (RuntimeException e) {
      log.error("campaign {} failed", campaign.id(), e);
      return finish(campaign, CampaignStatus.FAILED, "internal error: " + e, trials, original);
    }
    return conclude(campaign, endMessage, trials, original);
  }

  /**
   * Where the strategy searches: the spec's space, or for a live campaign its trust region around
   * the configuration in force at the start.
   */
  private static SearchSpace searchSpace(CampaignSpec spec, Configuration original) {
    return spec.live()
        .map(l -> TrustRegion.around(spec.space(), original, l.trustRegion()))
        .orElse(spec.space());
  }

  /** What drives the load: the spec's workload, or nothing for a live campaign (real traffic). */
  private Workload workload(CampaignSpec spec) {
    return spec.live().isPresent() ? LiveTraffic.INSTANCE : workload;
  }

  /** Strategies that hold threads (the genetic engine) are closed with their campaign. */
  private void closeStrategy() {
    if (strategy instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("closing strategy {} failed", strategy, e);
      }
    }
    strategy = null;
  }

  /** Stored trials of a resumed campaign, with those a crash left RUNNING marked ABORTED. */
  private List<Trial> recoverTrials(Campaign campaign) {
    List<Trial> out = new ArrayList<>();
    for (Trial t : store.trials(campaign.id())) {
      if (t.status() == TrialStatus.RUNNING) {
        t =
            t.ended(
                TrialStatus.ABORTED, "interrupted: the service stopped during the trial", now());
        store.saveTrial(t);
      }
      out.add(t);
    }
    return out;
  }

  private Trial runTrial(Campaign campaign, int number, Configuration config, boolean baseline)
      throws InterruptedException {
    return runTrial(campaign, number, config, baseline, TrialPlan.FULL);
  }

  /**
   * How a trial is measured beyond the spec: whether it may be pruned (against which incumbent),
   * and whether it re-measures an earlier trial.
   */
  private record TrialPlan(Optional<Pruning> pruning, Optional<Trial> remeasures, boolean guarded) {
    /** Measured in full, unguarded: the baseline (the configuration in force at the start). */
    static final TrialPlan FULL = new TrialPlan(Optional.empty(), Optional.empty(), false);

    /** A proposal of the strategy: prunable when the spec says so, guarded when live. */
    static TrialPlan explore(List<Trial> trials, CampaignSpec spec) {
      return new TrialPlan(
          spec.measurement().pruning()
              ? Optional.of(new Pruning(Incumbent.of(trials, spec.objective())))
              : Optional.empty(),
          Optional.empty(),
          spec.live().isPresent());
    }

    /**
     * A re-measurement of {@code earlier}: measured in full, never pruned against itself, guarded
     * when live.
     */
    static TrialPlan remeasure(Trial earlier, CampaignSpec spec) {
      return new TrialPlan(Optional.empty(), Optional.of(earlier), spec.live().isPresent());
    }
  }

  private record Pruning(Optional<Incumbent> incumbent) {}

  private Trial runTrial(
      Campaign campaign, int number, Configuration config, boolean baseline, TrialPlan plan)
      throws InterruptedException {
    if (stopRequested) {
      throw new InterruptedException();
    }
    CampaignSpec spec = campaign.spec();
    Trial trial = Trial.running(campaign.id(), number, config, baseline, now());
    store.saveTrial(trial);
    for (TuningListener l : listeners) {
      l.trialStarted(trial);
    }
    Trial done;
    try {
      runtime.apply(config);
      Optional<Pruner> pruner =
          plan.pruning()
              .map(
                  p ->
                      new Pruner(
                          spec.objective(),
                          spec.constraints(),
                          p.incumbent(),
                          spec.measurement().minWindow()));
      Optional<SloGuard> guard =
          plan.guarded() ? Optional.of(new SloGuard(spec.constraints())) : Optional.empty();
      WindowMonitor monitor =
          WindowMonitor.firstOf(
              guard.<WindowMonitor>map(g -> g).orElse(WindowMonitor.NONE),
              pruner.<WindowMonitor>map(p -> p).orElse(WindowMonitor.NONE),
              spec.measurement().minWindow());
      Measurement m = measureInterruptibly(spec, monitor);
      Optional<String> breach = guard.flatMap(SloGuard::breach);
      Optional<String> pruned = breach.isPresent() ? breach : pruner.flatMap(Pruner::reason);
      OptionalDouble partial = spec.objective().valueIn(m);
      if (breach.isPresent()) {
        // Production traffic is suffering: the incumbent goes back before anything else.
        Optional<String> failed = restore(config, original);
        if (failed.isPresent()) {
          breach = Optional.of(breach.get() + "; " + failed.get());
          pruned = breach;
        }
      }
      done =
          pruned.isPresent() && partial.isPresent()
              ? trial.pruned(m, partial.getAsDouble(), pruned.get(), now())
              : pruned.isPresent() && breach.isPresent()
                  ? trial.ended(TrialStatus.FAILED, breach.get(), now())
                  : score(trial, m, spec.objective(), spec.constraints());
      if (plan.remeasures().isPresent()) {
        done =
            done.withNote("re-measures the incumbent, trial " + plan.remeasures().get().number());
      }
      done = flagNoisy(done, m);
    } catch (ApplyFailedException e) {
      done =
          trial.ended(
              TrialStatus.FAILED,
              "apply failed ("
                  + e.reason().name().toLowerCase(Locale.ROOT)
                  + "): "
                  + e.getMessage(),
              now());
    } catch (MeasurementException e) {
      // The runtime may have died or hung under the trial: it goes back to the last
      // configuration that measured well before anything else runs on it.
      done =
          trial.ended(
              TrialStatus.FAILED,
              "measurement failed: " + e.getMessage() + "; " + recoverRuntime(),
              now());
    } catch (InterruptedException e) {
      store.saveTrial(trial.ended(TrialStatus.ABORTED, "campaign stopped", now()));
      throw e;
    } catch (RuntimeException e) {
      store.saveTrial(trial.ended(TrialStatus.FAILED, "internal error: " + e, now()));
      throw e;
    }
    store.saveTrial(done);
    if (done.status() == TrialStatus.COMPLETED) {
      lastKnownGood = done.configuration();
    }
    for (TuningListener l : listeners) {
      l.trialFinished(done);
    }
    return done;
  }

  /** Recovers the runtime on {@link #lastKnownGood}; says what happened, for the trial's reason. */
  private String recoverRuntime() {
    Configuration good = lastKnownGood != null ? lastKnownGood : original;
    try {
      runtime.recover(good);
      return "runtime recovered on the last known-good configuration " + good;
    } catch (ApplyFailedException e) {
      log.error("recovering runtime {} on {} failed", runtime.id(), good, e);
      return "recovering the runtime on the last known-good configuration "
          + good
          + " failed too: "
          + e.getMessage().lines().findFirst().orElse("");
    }
  }

  /**
   * Puts {@code incumbent} back after a breach of a live trial running {@code tried}.
   *
   * @return why that failed, for the trial's reason (which otherwise says it was restored)
   */
  private Optional<String> restore(Configuration tried, Configuration incumbent) {
    try {
      runtime.apply(incumbent);
      return Optional.empty();
    } catch (ApplyFailedException e) {
      log.error("restoring the incumbent after an SLO breach of {} failed", tried, e);
      return Optional.of(
          "BUT restoring it failed: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /**
   * {@code trial} with a note when other processes and the service's API took more than {@link
   * WindowReport#NOISY_SHARE} of the machine's CPUs during its window: its value is less
   * trustworthy than its interval says, since the interval sees the spread within the window, not
   * how far the whole window was pushed.
   */
  private static Trial flagNoisy(Trial trial, Measurement m) {
    return m.report()
        .filter(WindowReport::noisy)
        .map(
            r ->
                trial.withNote(
                    String.format(
                        Locale.ROOT,
                        "noisy window: other processes used %.0f %% and this service's API %.0f %%"
                            + " of the machine's CPUs",
                        100 * r.othersCpuShare().orElse(0.0),
                        100 * r.serviceCpuShare().orElse(0.0))))
        .orElse(trial);
  }

  /** Measures with the thread open to a stop's interrupt, and only then. */
  private Measurement measureInterruptibly(CampaignSpec spec, WindowMonitor monitor)
      throws MeasurementException, InterruptedException {
    return interruptibly(
        () ->
            measurer.measure(
                runtime, workload(spec), spec.measurement(), spec.objective().metric(), monitor));
  }

  /** A measurement that a stop may interrupt. */
  @FunctionalInterface
  private interface Measuring {
    Measurement run() throws MeasurementException, InterruptedException;
  }

  /**
   * Runs {@code measuring} with the thread open to a stop's interrupt, and only then: a stop never
   * interrupts the store's I/O (H2 closes its file on an interrupt).
   */
  private Measurement interruptibly(Measuring measuring)
      throws MeasurementException, InterruptedException {
    synchronized (interruptLock) {
      if (stopRequested) {
        throw new InterruptedException();
      }
      measuringThread = Thread.currentThread();
    }
    try {
      return measuring.run();
    } finally {
      synchronized (interruptLock) {
        measuringThread = null;
        // A stop's interrupt that arrived as the window ended must not reach the store's I/O.
        Thread.interrupted();
      }
    }
  }

  private Trial score(
      Trial trial, Measurement m, Objective objective, List<Constraint> constraints) {
    OptionalDouble value = objective.valueIn(m);
    if (value.isEmpty()) {
      return trial.ended(
          TrialStatus.FAILED,
          "objective metric " + objective.metric() + " was not measured",
          now());
    }
    List<String> violations = new ArrayList<>();
    for (Constraint c : constraints) {
      c.violation(m).ifPresent(violations::add);
    }
    return trial.measured(
        m,
        value.getAsDouble(),
        violations.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", violations)),
        now());
  }

  /**
   * The end of a campaign that ran its course: when the best configuration beats the baseline in
   * the trials, the {@link Promoter} re-measures the two A/B, pushes the best if it is
   * significantly better, and watches it.
   */
  private CampaignOutcome conclude(
      Campaign campaign, String endMessage, List<Trial> trials, Configuration original) {
    Objective objective = campaign.spec().objective();
    Optional<Trial> baseline = baselineOf(trials);
    Optional<Trial> best = best(trials, objective);
    if (best.isEmpty()) {
      return finish(
          campaign,
          CampaignStatus.COMPLETED,
          endMessage + "; no feasible configuration found, original configuration kept",
          trials,
          original);
    }
    Campaign withBest = campaign.withBestTrial(best.get().id());
    Trial winner = best.get();
    boolean beatsBaseline =
        baseline.isEmpty()
            || !baseline.get().feasible()
            || objective.better(
                winner.objectiveValue().getAsDouble(),
                baseline.get().objectiveValue().getAsDouble());
    // A re-measurement of the original configuration can win too: nothing to promote then.
    if (winner.baseline() || winner.configuration().equals(original) || !beatsBaseline) {
      return finish(
          withBest,
          CampaignStatus.COMPLETED,
          endMessage + "; the original configuration was the best, kept",
          trials,
          original);
    }
    // The trials only nominate the winner; the Promoter's A/B rounds decide whether it is pushed.
    PromotionOutcome promotion;
    try {
      promotion = promoter().promote(campaign, original, winner.configuration());
    } catch (InterruptedException e) {
      return finish(
          withBest,
          CampaignStatus.STOPPED,
          endMessage
              + "; stopped while promoting trial "
              + winner.number()
              + "; original configuration restored",
          trials,
          original);
    } catch (RuntimeException e) {
      log.error("campaign {}: promotion failed", campaign.id(), e);
      return finish(
          withBest, CampaignStatus.FAILED, "internal error in promotion: " + e, trials, original);
    }
    String message = endMessage + "; trial " + winner.number() + " " + promotion.message();
    if (!promotion.kept()) {
      return finish(
          withBest,
          CampaignStatus.COMPLETED,
          promotion.push().isEmpty() ? message + "; original configuration kept" : message,
          trials,
          original);
    }
    Campaign done = withBest.finished(CampaignStatus.COMPLETED, message, now());
    CampaignOutcome outcome = new CampaignOutcome(done, baseline, best, promotion.push(), trials);
    announceAndStore(outcome);
    return outcome;
  }

  /** The end-of-campaign promoter, measuring through {@link #measureWindow}. */
  private Promoter promoter() {
    return Promoter.builder()
        .runtime(runtime)
        .window(this::measureWindow)
        .ticker(ticker)
        .recorder(this::recordDeployment)
        .deploymentIds(deploymentIds)
        .build();
  }

  /** One promotion or watch window, open to a stop's interrupt as a trial's measurement is. */
  private Measurement measureWindow(io.infertune.tuner.measure.MeasurementSpec window)
      throws MeasurementException, InterruptedException {
    return interruptibly(() -> measurer.measure(runtime, liveOrLoad, window));
  }

  /** Stores a deployment, then tells the listeners (metrics count pushes and rollbacks). */
  private void recordDeployment(Deployment d) {
    store.recordDeployment(d);
    for (TuningListener l : listeners) {
      l.deploymentRecorded(d);
    }
  }

  /** Ends a campaign without a push, giving the runtime its original configuration back. */
  private CampaignOutcome finish(
      Campaign campaign,
      CampaignStatus status,
      String message,
      List<Trial> trials,
      Configuration original) {
    String why = message;
    if (!runtime.current().equals(original)) {
      try {
        runtime.apply(original);
      } catch (ApplyFailedException e) {
        why += "; restoring the original configuration failed: " + e.getMessage();
      }
    }
    Campaign done = campaign.finished(status, why, now());
    CampaignOutcome outcome =
        new CampaignOutcome(
            done,
            baselineOf(trials),
            best(trials, campaign.spec().objective()),
            Optional.empty(),
            trials);
    announceAndStore(outcome);
    return outcome;
  }

  /**
   * Tells the listeners, then stores the final status: whoever sees the campaign ended (a client
   * polling the store) finds every listener's work done, such as the release of the runtime.
   */
  private void announceAndStore(CampaignOutcome outcome) {
    for (TuningListener l : listeners) {
      l.campaignFinished(outcome);
    }
    store.updateCampaign(outcome.campaign());
  }

  /** The campaign's baseline trial, unless it was aborted (then a new one is due). */
  private static Optional<Trial> baselineOf(List<Trial> trials) {
    return trials.stream()
        .filter(t -> t.baseline() && t.status() != TrialStatus.ABORTED)
        .findFirst();
  }

  /** The feasible trial with the best objective value; the earliest wins ties. */
  public static Optional<Trial> best(List<Trial> trials, Objective objective) {
    return Trial.best(trials, objective);
  }

  private Instant now() {
    return ticker.now();
  }

  /** Builds a runner; store, runtime, strategies and workload are required. */
  public static final class Builder {
    private TrialStore store;
    private RuntimeAdapter runtime;
    private StrategyFactory strategies;
    private Workload workload;
    private Measurer measurer;
    private io.infertune.tuner.measure.Ticker ticker = io.infertune.tuner.measure.Ticker.system();
    private int cores = Runtime.getRuntime().availableProcessors();
    private io.infertune.tuner.measure.HostCpu host = io.infertune.tuner.measure.HostCpu.NONE;
    private final List<TuningListener> listeners = new CopyOnWriteArrayList<>();
    private Supplier<String> deploymentIds = () -> java.util.UUID.randomUUID().toString();

    public Builder store(TrialStore store) {
      this.store = store;
      return this;
    }

    public Builder runtime(RuntimeAdapter runtime) {
      this.runtime = runtime;
      return this;
    }

    public Builder strategies(StrategyFactory strategies) {
      this.strategies = strategies;
      return this;
    }

    public Builder workload(Workload workload) {
      this.workload = workload;
      return this;
    }

    /** Defaults to a {@link Measurer} on the builder's ticker. */
    public Builder measurer(Measurer measurer) {
      this.measurer = measurer;
      return this;
    }

    public Builder ticker(io.infertune.tuner.measure.Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** The machine's cores, for {@code cpu_utilization}; defaults to the JVM's count. */
    public Builder cores(int cores) {
      this.cores = cores;
      return this;
    }

    /**
     * Where the default {@link Measurer} reads the CPU other processes take during each window
     * (flagging noisy windows); none by default.
     */
    public Builder hostCpu(io.infertune.tuner.measure.HostCpu host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    public Builder listener(TuningListener listener) {
      this.listeners.add(Objects.requireNonNull(listener));
      return this;
    }

    public Builder deploymentIds(Supplier<String> ids) {
      this.deploymentIds = ids;
      return this;
    }

    public CampaignRunner build() {
      return new CampaignRunner(this);
    }
  }
}
