package io.infertune.runtime.openai;

import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Two metric sources read as one, typically a runtime's own metrics and the load generator's {@link
 * ClientMetrics}, so that a campaign records both.
 *
 * <p>The rule for names, per kind (counters, gauges, histograms):
 *
 * <ol>
 *   <li>every series of the secondary source appears under its prefix ({@code client_requests},
 *       {@code client_time_to_first_token_seconds}): nothing the secondary measured is hidden (a
 *       primary series that happens to have a prefixed name is hidden instead);
 *   <li>an unprefixed name is the primary's when the primary's snapshot has it, and the secondary's
 *       otherwise: the primary wins a clash, and the secondary fills in what the primary lacks (the
 *       client's time to first token for a runtime that exposes none).
 * </ol>
 *
 * <p>Which source is primary is the caller's choice: the runtime, to tune on the server's view and
 * see the client's beside it; the client, to tune on what users see. Resolution is per snapshot, so
 * a name should come from one source for a whole measurement window: a runtime whose counter
 * appears only at its first request (labelled Prometheus counters do) has it from warm-up on.
 *
 * <p>The snapshot's time is the primary's. The secondary is sampled right after it; a failure of
 * either fails the sample (a window over half the metrics would mislead).
 *
 * @implNote thread-safe when both sources are.
 */
public final class CompositeMetricSource implements MetricSource {
  /** The prefix {@link #withClient} gives the client's series. */
  public static final String CLIENT_PREFIX = "client_";

  private static final Pattern PREFIX = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private final MetricSource primary;
  private final MetricSource secondary;
  private final String prefix;

  /**
   * @param secondaryPrefix a metric-name prefix, e.g. {@code client_}
   */
  public CompositeMetricSource(
      MetricSource primary, MetricSource secondary, String secondaryPrefix) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.secondary = Objects.requireNonNull(secondary, "secondary");
    if (secondaryPrefix == null || !PREFIX.matcher(secondaryPrefix).matches()) {
      throw new IllegalArgumentException(
          "the prefix must start a metric name, got '" + secondaryPrefix + "'");
    }
    this.prefix = secondaryPrefix;
  }

  /** The runtime's metrics first, the client's filling in and under {@value #CLIENT_PREFIX}. */
  public static CompositeMetricSource withClient(MetricSource runtime, ClientMetrics client) {
    return new CompositeMetricSource(runtime, client, CLIENT_PREFIX);
  }

  @Override
  public MetricSnapshot sample() throws MetricSourceException {
    MetricSnapshot a = primary.sample();
    MetricSnapshot b = secondary.sample();
    return new MetricSnapshot(
        a.nanos(),
        merge(a.counters(), b.counters()),
        merge(a.gauges(), b.gauges()),
        merge(a.histograms(), b.histograms()));
  }

  private <V> Map<String, V> merge(Map<String, V> first, Map<String, V> second) {
    Map<String, V> out = new HashMap<>(second);
    out.putAll(first);
    second.forEach((name, v) -> out.put(prefix + name, v));
    return out;
  }
}
