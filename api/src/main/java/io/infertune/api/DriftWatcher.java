package io.infertune.api;

import io.infertune.tuner.drift.DriftEvent;
import io.infertune.tuner.drift.DriftMonitor;
import io.infertune.tuner.drift.DriftPolicy;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementException;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Campaign;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every runtime's live metrics between campaigns for drift (ARCHITECTURE.md, "Continuous
 * tuning"): at every {@link #tick()} (the service calls it every {@link Settings#interval()}) it
 * reads each runtime's metrics, derives the last interval's live objective ({@value
 * #LATENCY_SERIES}, {@value #ERROR_SERIES}) and traffic mix ({@value #RATE_SERIES}, {@value
 * #INPUT_SERIES}), and feeds them to one {@link DriftMonitor} per runtime (Page–Hinkley). An event
 * is kept (the last {@link Settings#eventsKept()} per runtime, in memory), counted on {@code
 * infertune.drift.events} (by runtime, series and direction) and handed to the re-tuner, which
 * starts a warm-started campaign when a schedule of the runtime asks for it ({@link
 * Scheduler#retuneOnDrift}).
 *
 * <p>Infertune's own doings are not drift: while a campaign runs on a runtime, and whenever the
 * runtime's configuration changed since the last look (a push, a rollback), its detectors start
 * over and learn the new level.
 *
 * @implNote thread-safe: {@link #tick} is serialised; reads of the events may come from any thread.
 */
final class DriftWatcher {
  private static final Logger log = LoggerFactory.getLogger(DriftWatcher.class);

  static final String RATE_SERIES = "request_rate";
  static final String LATENCY_SERIES = "latency_p95_ms";
  static final String ERROR_SERIES = "error_rate";
  static final String INPUT_SERIES = "input_tokens_per_request";

  /**
   * How the watcher works.
   *
   * @param interval time between two looks at a runtime: the length of one observation
   * @param policy how each series is judged
   * @param eventsKept events kept per runtime for {@code GET /api/v1/runtimes/{id}/drift}
   */
  record Settings(Duration interval, DriftPolicy policy, int eventsKept) {
    /** One look every 30 s (a learning phase of 15 minutes with the default policy), 100 events. */
    static final Settings DEFAULT = new Settings(Duration.ofSeconds(30), DriftPolicy.DEFAULT, 100);

    Settings {
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(policy, "policy");
      if (!interval.isPositive()) {
        throw new IllegalArgumentException("interval must be positive");
      }
      if (eventsKept < 1) {
        throw new IllegalArgumentException("eventsKept must be at least 1");
      }
    }
  }

  /** An event as kept: the drift and the campaign it started, if any. */
  record Recorded(String runtimeId, DriftEvent event, Optional<String> campaignId) {}

  private final RuntimeRegistry runtimes;
  private final CampaignService campaigns;
  private final BiFunction<String, String, Optional<Campaign>> retuner;
  private final MeterRegistry registry;
  private final Ticker ticker;
  private final Measurer measurer;
  private final Settings settings;
  private final Map<String, Watch> watches = new HashMap<>();
  private final Map<String, Deque<Recorded>> events = new LinkedHashMap<>();

  /** What the watcher knows of one runtime since it last started over. */
  private final class Watch {
    DriftMonitor monitor;
    Optional<MetricSnapshot> last = Optional.empty();
    Optional<Configuration> config = Optional.empty();

    Watch() {
      restart();
    }

    void restart() {
      monitor = new DriftMonitor(settings.policy(), ticker, e -> {});
      last = Optional.empty();
    }
  }

  /**
   * @param retuner given a runtime id and why, starts a re-tuning campaign if one is configured
   *     ({@link Scheduler#retuneOnDrift})
   */
  DriftWatcher(
      RuntimeRegistry runtimes,
      CampaignService campaigns,
      BiFunction<String, String, Optional<Campaign>> retuner,
      MeterRegistry registry,
      Ticker ticker,
      Measurer measurer,
      Settings settings) {
    this.runtimes = Objects.requireNonNull(runtimes, "runtimes");
    this.campaigns = Objects.requireNonNull(campaigns, "campaigns");
    this.retuner = Objects.requireNonNull(retuner, "retuner");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.measurer = Objects.requireNonNull(measurer, "measurer");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  Settings settings() {
    return settings;
  }

  /** One look at every runtime; never throws for one runtime's trouble. */
  synchronized void tick() {
    for (RuntimeAdapter r : runtimes.all()) {
      try {
        look(r);
      } catch (RuntimeException e) {
        log.warn("drift: looking at runtime {} failed", r.id(), e);
      }
    }
  }

  private void look(RuntimeAdapter r) {
    Watch w = watches.computeIfAbsent(r.id(), id -> new Watch());
    if (campaigns.hasActiveCampaign(r.id())) {
      // A campaign changes the configuration and drives its own load: nothing here is drift.
      w.restart();
      w.config = Optional.empty();
      return;
    }
    Configuration now = r.current();
    if (w.config.isPresent() && !w.config.get().equals(now)) {
      log.debug("drift: runtime {} has a new configuration; its detectors start over", r.id());
      w.restart();
    }
    w.config = Optional.of(now);
    MetricSnapshot snapshot;
    try {
      snapshot = r.metrics().sample();
    } catch (MetricSourceException e) {
      // Counted as a scrape error by the instrumented runtime; the next look starts afresh.
      log.debug("drift: metrics of {} unreadable: {}", r.id(), e.getMessage());
      w.last = Optional.empty();
      return;
    }
    Optional<MetricSnapshot> previous = w.last;
    w.last = Optional.of(snapshot);
    if (previous.isEmpty()) {
      return;
    }
    List<DriftEvent> raised = w.monitor.observe(observations(previous.get(), snapshot));
    if (raised.isEmpty()) {
      return;
    }
    String why = raised.stream().map(DriftWatcher::describe).reduce((a, b) -> a + "; " + b).get();
    Optional<Campaign> started = retuner.apply(r.id(), why);
    for (DriftEvent e : raised) {
      Counter.builder("infertune.drift.events")
          .description("Drift detected on a runtime's live metrics")
          .tag("runtime", r.id())
          .tag("series", e.series())
          .tag("direction", e.direction().name().toLowerCase(Locale.ROOT))
          .register(registry)
          .increment();
      keep(new Recorded(r.id(), e, started.map(Campaign::id)));
    }
  }

  /** The last interval's live objective and traffic mix; a series without a value is left out. */
  private Map<String, Double> observations(MetricSnapshot a, MetricSnapshot b) {
    Map<String, Double> out = new HashMap<>();
    Measurement m;
    try {
      m = measurer.between(a, b);
    } catch (MeasurementException e) {
      // Nothing completed in the interval: the request rate was 0, the rest unknown.
      if (b.nanos() > a.nanos()) {
        out.put(RATE_SERIES, 0.0);
      }
      return out;
    }
    put(out, RATE_SERIES, m.value(Metrics.THROUGHPUT_RPS));
    put(out, LATENCY_SERIES, m.value(Metrics.LATENCY_P95_MS));
    put(out, ERROR_SERIES, m.value(Metrics.ERROR_RATE));
    OptionalDouble requests = b.increaseSince(a, Metrics.SOURCE_REQUESTS);
    OptionalDouble tokens = b.increaseSince(a, Metrics.SOURCE_TOKENS);
    if (requests.isPresent() && tokens.isPresent() && requests.getAsDouble() > 0) {
      out.put(INPUT_SERIES, tokens.getAsDouble() / requests.getAsDouble());
    }
    return out;
  }

  private static void put(Map<String, Double> out, String series, OptionalDouble v) {
    if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
      out.put(series, v.getAsDouble());
    }
  }

  private void keep(Recorded r) {
    synchronized (events) {
      Deque<Recorded> d = events.computeIfAbsent(r.runtimeId(), id -> new ArrayDeque<>());
      d.addFirst(r);
      while (d.size() > settings.eventsKept()) {
        d.removeLast();
      }
    }
  }

  /** The events kept for {@code runtimeId}, newest first. */
  List<Recorded> events(String runtimeId) {
    synchronized (events) {
      return new ArrayList<>(events.getOrDefault(runtimeId, new ArrayDeque<>()));
    }
  }

  static String describe(DriftEvent e) {
    return String.format(
        Locale.ROOT,
        "%s %s from %.4g to %.4g",
        e.series(),
        e.direction().name().toLowerCase(Locale.ROOT),
        e.meanBefore(),
        e.recentMean());
  }
}
