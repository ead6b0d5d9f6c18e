package io.infertune.runtime.prometheus;

import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Ticker;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The metrics of a runtime that exposes a Prometheus {@code /metrics} page: each {@link #sample()}
 * scrapes the page and maps the runtime's series onto Infertune's names through a {@link
 * MetricMapping}. Rates and quantiles are the {@link io.infertune.tuner.measure.Measurer}'s work,
 * from two snapshots, as in Prometheus.
 *
 * <p>A series the page lacks is left out of the snapshot (its metric is then not measured); a
 * scrape that fails, times out or returns a malformed page throws {@link MetricSourceException}
 * with the reason.
 *
 * @implNote thread-safe. A snapshot's time is the ticker's reading when its scrape started, as
 *     Prometheus stamps a scrape with its start.
 */
public final class PrometheusMetricSource implements MetricSource, AutoCloseable {
  private final PrometheusScraper scraper;
  private final MetricMapping mapping;
  private final Ticker ticker;

  public PrometheusMetricSource(PrometheusScraper scraper, MetricMapping mapping, Ticker ticker) {
    this.scraper = Objects.requireNonNull(scraper, "scraper");
    this.mapping = Objects.requireNonNull(mapping, "mapping");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * A source for a runtime of {@code kind} (one of {@link MetricMapping#KINDS}) at {@code url}.
   *
   * @param timeout the most one scrape may take
   */
  public static PrometheusMetricSource of(String kind, URI url, Duration timeout, Ticker ticker) {
    MetricMapping mapping = MetricMapping.forKind(kind);
    return new PrometheusMetricSource(new PrometheusScraper(url, timeout), mapping, ticker);
  }

  public MetricMapping mapping() {
    return mapping;
  }

  @Override
  public MetricSnapshot sample() throws MetricSourceException {
    long nanos = ticker.nanos();
    List<MetricFamily> page = scraper.scrape();
    try {
      return mapping.snapshot(nanos, page);
    } catch (RuntimeException e) {
      // A page the mapping cannot make sense of fails the sample, not the caller's thread.
      throw new MetricSourceException(
          "metrics of " + scraper.url() + " could not be mapped (" + mapping.runtime() + "): " + e,
          e);
    }
  }

  @Override
  public void close() {
    scraper.close();
  }

  @Override
  public String toString() {
    return "PrometheusMetricSource[" + mapping.runtime() + ", " + scraper.url() + "]";
  }
}
