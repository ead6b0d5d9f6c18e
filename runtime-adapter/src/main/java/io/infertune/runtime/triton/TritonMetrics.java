package io.infertune.runtime.triton;

import io.infertune.runtime.embedded.CumulativeHistogram;
import io.infertune.runtime.prometheus.MetricMapping;
import io.infertune.runtime.prometheus.MetricMapping.Candidate;
import io.infertune.runtime.prometheus.PrometheusMetricSource;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One model's metrics on a Triton server: its series of Triton's {@code /metrics} page (through the
 * {@code triton} {@link MetricMapping}, narrowed to the model), and the latency of the requests the
 * adapter sent, measured at the client.
 *
 * <p>Why a client-side latency: Triton keeps no latency histogram of a non-decoupled model (its
 * latency counters are cumulative, its summaries are quantiles over a sliding window, which cannot
 * be differenced; see the mapping's sources), and latency quantiles are derived from histograms. So
 * {@code request_latency_seconds} is the time from sending a request to its response, as the sink's
 * callers see it, HTTP included; when a page does map a latency histogram it wins. Requests that
 * did not go through the adapter's sink (live traffic) have no latency then.
 *
 * @implNote thread-safe.
 */
final class TritonMetrics implements MetricSource {
  /**
   * The client-side latency buckets: 10 % apart from 0.1 ms to 60 s, as the embedded runtime's (so
   * that the two are quantised alike).
   */
  private static final double[] LATENCY_BOUNDS_SECONDS =
      CumulativeHistogram.exponentialBounds(1e-4, 1.1, 60);

  private final PrometheusMetricSource page;
  private final CumulativeHistogram latency = new CumulativeHistogram(LATENCY_BOUNDS_SECONDS);

  TritonMetrics(PrometheusMetricSource page) {
    this.page = page;
  }

  /**
   * {@code mapping} narrowed to the series of {@code model}: every candidate keeps only series
   * whose {@code model} label is the model's or absent (so GPU series, labelled by {@code
   * gpu_uuid}, stay), unless it filters on {@code model} itself. A Triton server serves many
   * models, and a trial measures one.
   */
  static MetricMapping forModel(MetricMapping mapping, String model) {
    return new MetricMapping(
        mapping.runtime(),
        mapping.sources(),
        narrowed(mapping.counters(), model),
        narrowed(mapping.gauges(), model),
        narrowed(mapping.histograms(), model));
  }

  private static Map<String, List<Candidate>> narrowed(
      Map<String, List<Candidate>> targets, String model) {
    Map<String, List<Candidate>> out = new LinkedHashMap<>();
    targets.forEach(
        (target, candidates) -> {
          List<Candidate> kept = new ArrayList<>();
          for (Candidate c : candidates) {
            if (c.include().containsKey("model")) {
              kept.add(c);
              continue;
            }
            Map<String, Set<String>> include = new HashMap<>(c.include());
            // "" is how a filter matches a series without the label (as in PromQL).
            include.put("model", Set.of(model, ""));
            kept.add(
                new Candidate(
                    c.series(),
                    include,
                    c.exclude(),
                    c.scale(),
                    c.minus(),
                    c.aggregate(),
                    c.note()));
          }
          out.put(target, kept);
        });
    return out;
  }

  /** Records one answered request's latency, in seconds. */
  void recordLatency(double seconds) {
    latency.record(seconds);
  }

  @Override
  public MetricSnapshot sample() throws MetricSourceException {
    MetricSnapshot s = page.sample();
    if (s.histogram(Metrics.SOURCE_LATENCY_SECONDS).isPresent()) {
      return s;
    }
    Map<String, io.infertune.tuner.measure.HistogramSnapshot> histograms =
        new HashMap<>(s.histograms());
    histograms.put(Metrics.SOURCE_LATENCY_SECONDS, latency.snapshot());
    return new MetricSnapshot(s.nanos(), s.counters(), s.gauges(), histograms);
  }

  void close() {
    page.close();
  }

  @Override
  public String toString() {
    return "TritonMetrics[" + page + " and client-side latency]";
  }
}
