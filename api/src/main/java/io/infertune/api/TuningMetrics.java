package io.infertune.api;

import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.run.CampaignOutcome;
import io.infertune.tuner.run.TuningListener;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Trial;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Infertune's own metrics: trials by status, trial durations, the best objective value of each
 * campaign this process ran, active campaigns. Names are dot.case; the Prometheus registry renders
 * {@code infertune.trials} as {@code infertune_trials_total}.
 *
 * @implNote thread-safe; listener methods are called on campaign threads.
 */
public final class TuningMetrics implements TuningListener, MeterBinder {
  private final AtomicInteger activeCampaigns = new AtomicInteger();
  private final Map<String, BestValue> bestByCampaign = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private volatile MeterRegistry registry;

  /** The gauge's state, held strongly here so the gauge never reads a collected object. */
  private static final class BestValue {
    private final Objective objective;
    private volatile double value = Double.NaN;

    BestValue(Objective objective) {
      this.objective = objective;
    }

    synchronized void offer(double v) {
      if (Double.isNaN(value) || objective.better(v, value)) {
        value = v;
      }
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("infertune.campaigns.active", activeCampaigns, AtomicInteger::get)
        .description("Campaigns running now")
        .register(registry);
    Gauge.builder("infertune.trials.running", running, AtomicInteger::get)
        .description("Trials being applied or measured now")
        .register(registry);
  }

  @Override
  public void campaignStarted(Campaign campaign) {
    activeCampaigns.incrementAndGet();
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    BestValue holder =
        bestByCampaign.computeIfAbsent(
            campaign.id(), id -> new BestValue(campaign.spec().objective()));
    Gauge.builder("infertune.campaign.best.objective", holder, h -> h.value)
        .description("Best feasible objective value so far, per campaign")
        .tags(
            Tags.of(
                "campaign", campaign.id(),
                "runtime", campaign.spec().runtimeId(),
                "metric", campaign.spec().objective().metric()))
        .register(r);
  }

  @Override
  public void trialStarted(Trial trial) {
    running.incrementAndGet();
  }

  @Override
  public void trialFinished(Trial trial) {
    running.decrementAndGet();
    BestValue holder = bestByCampaign.get(trial.campaignId());
    if (holder != null && trial.feasible()) {
      holder.offer(trial.objectiveValue().getAsDouble());
    }
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    String status = trial.status().name().toLowerCase(Locale.ROOT);
    Counter.builder("infertune.trials")
        .description("Trials finished, by status")
        .tag("status", status)
        .register(r)
        .increment();
    trial
        .finishedAt()
        .ifPresent(
            end ->
                Timer.builder("infertune.trial.duration")
                    .description("Wall time of a trial: apply, warm-up and measurement")
                    .tag("status", status)
                    .register(r)
                    .record(Duration.between(trial.startedAt(), end)));
  }

  @Override
  public void campaignFinished(CampaignOutcome outcome) {
    activeCampaigns.decrementAndGet();
  }
}
