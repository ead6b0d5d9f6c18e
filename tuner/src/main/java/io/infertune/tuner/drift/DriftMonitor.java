package io.infertune.tuner.drift;

import io.infertune.tuner.measure.Ticker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches named series (the live objective, e.g. {@code throughput_rps} or {@code latency_p95_ms},
 * and the traffic mix, e.g. the request rate and the mean input length) for a change of their mean,
 * one {@link PageHinkley} detector per series, and tells a {@link DriftListener} of each change.
 *
 * <p>The caller feeds one observation per interval per series ({@link #observe}); a series is
 * watched from its first observation. A series missing from an interval, or with a non-finite value
 * (no requests, no metric), is skipped for that interval. After an event, the series raises no
 * other for {@link DriftPolicy#cooldownSamples()} of its observations, so one shift gives one
 * event; its detector has restarted and learns the new level meanwhile.
 *
 * @implNote Thread-safe: {@link #observe} is serialised; the listener is called under the lock, in
 *     the series' name order.
 */
public final class DriftMonitor {
  private static final Logger log = LoggerFactory.getLogger(DriftMonitor.class);

  private final DriftPolicy policy;
  private final Ticker ticker;
  private final DriftListener listener;
  private final Map<String, Watch> watches = new HashMap<>();

  private static final class Watch {
    final PageHinkley detector;
    long cooldownLeft; // observations still muted after the last event

    Watch(DriftPolicy policy) {
      this.detector = new PageHinkley(policy);
    }
  }

  public DriftMonitor(DriftPolicy policy, Ticker ticker, DriftListener listener) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Feeds one interval's observations, by series name, in each series' unit.
   *
   * @return the events raised by this interval, in the series' name order (also given to the
   *     listener); empty most of the time
   * @throws IllegalArgumentException on a blank series name
   */
  public synchronized List<DriftEvent> observe(Map<String, Double> observations) {
    Objects.requireNonNull(observations, "observations");
    List<DriftEvent> events = new ArrayList<>();
    // Sorted so that events (and the listener's calls) come in an order tests can rely on.
    for (Map.Entry<String, Double> e : new TreeMap<>(observations).entrySet()) {
      String series = e.getKey();
      if (series.isBlank()) {
        throw new IllegalArgumentException("series names must not be blank");
      }
      Double value = e.getValue();
      if (value == null || !Double.isFinite(value)) {
        log.debug("drift: skipping {} = {} (not a finite value)", series, value);
        continue;
      }
      Watch w = watches.computeIfAbsent(series, s -> new Watch(policy));
      var alarm = w.detector.add(value);
      boolean muted = w.cooldownLeft > 0;
      if (muted) {
        w.cooldownLeft--;
      }
      if (alarm.isEmpty()) {
        continue;
      }
      PageHinkley.Alarm a = alarm.get();
      if (muted) {
        // Still the same shift (a ramp keeps moving past the restarted baseline): not news.
        log.debug("drift: {} {} muted by cooldown", series, a.direction());
        continue;
      }
      w.cooldownLeft = policy.cooldownSamples();
      DriftEvent event =
          new DriftEvent(
              series, a.direction(), ticker.now(), a.meanBefore(), a.meanAfter(), a.statistic());
      log.info(
          "drift: {} {} from {} to {} (statistic {} sd)",
          series,
          a.direction(),
          a.meanBefore(),
          a.meanAfter(),
          a.statistic());
      events.add(event);
      try {
        listener.onDrift(event);
      } catch (RuntimeException ex) {
        log.warn("drift listener failed on {}", event, ex);
      }
    }
    return List.copyOf(events);
  }

  /** The series watched so far, sorted. */
  public synchronized Set<String> series() {
    return new TreeSet<>(watches.keySet());
  }

  /** Forgets a series (e.g. after a re-tuning changed what it measures); no-op when unknown. */
  public synchronized void forget(String series) {
    watches.remove(series);
  }

  public DriftPolicy policy() {
    return policy;
  }
}
