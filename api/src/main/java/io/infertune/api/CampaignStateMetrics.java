package io.infertune.api;

import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code infertune.campaigns} by {@code state}: how many recorded campaigns are in each state, read
 * from the store (so it counts campaigns of earlier runs and of other instances sharing the
 * database). The counts are read at most once per {@code maxAge}, whatever the scrape rate.
 *
 * @implNote thread-safe: scrapes may come from several threads.
 */
final class CampaignStateMetrics implements MeterBinder {
  private final TrialStore store;
  private final Ticker ticker;
  private final long maxAgeNanos;
  private Map<CampaignStatus, Long> counts = new EnumMap<>(CampaignStatus.class);
  private long readAtNanos;
  private boolean read;

  CampaignStateMetrics(TrialStore store, Ticker ticker, Duration maxAge) {
    this.store = Objects.requireNonNull(store, "store");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.maxAgeNanos = maxAge.toNanos();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (CampaignStatus s : CampaignStatus.values()) {
      Gauge.builder("infertune.campaigns", this, m -> m.count(s))
          .description("Recorded campaigns by state")
          .tag("state", s.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
  }

  synchronized double count(CampaignStatus status) {
    long now = ticker.nanos();
    if (!read || now - readAtNanos >= maxAgeNanos) {
      Map<CampaignStatus, Long> fresh = new EnumMap<>(CampaignStatus.class);
      for (Campaign c : store.campaigns()) {
        fresh.merge(c.status(), 1L, Long::sum);
      }
      counts = fresh;
      readAtNanos = now;
      read = true;
    }
    return counts.getOrDefault(status, 0L);
  }
}
