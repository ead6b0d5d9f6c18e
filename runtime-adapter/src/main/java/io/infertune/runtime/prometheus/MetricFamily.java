package io.infertune.runtime.prometheus;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The samples of one metric, with its {@code # HELP} and {@code # TYPE}.
 *
 * <p>A family named {@code foo} holds the samples named {@code foo} and, by its type, {@code
 * foo_total} and {@code foo_created} (counter), {@code foo_bucket}, {@code foo_sum}, {@code
 * foo_count} and {@code foo_created} (histogram), {@code foo_sum}, {@code foo_count} and {@code
 * foo_created} (summary). Clients that write {@code # TYPE foo_total counter} (Python's
 * prometheus_client, Micrometer) make a family named {@code foo_total}; Python's client also writes
 * its {@code _created} samples as gauge families of their own.
 *
 * @param name the name of the {@code # TYPE} line, or of the samples when there is none
 * @param help the unescaped {@code # HELP} text, if any
 * @param samples in page order
 */
public record MetricFamily(
    String name, MetricType type, Optional<String> help, List<Sample> samples) {

  public MetricFamily {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
    samples = List.copyOf(samples);
  }

  /**
   * The series of a histogram family.
   *
   * @throws IllegalStateException when this family is not a histogram
   */
  public List<HistogramSeries> histograms() {
    if (type != MetricType.HISTOGRAM) {
      throw new IllegalStateException(name + " is a " + type.token() + ", not a histogram");
    }
    return HistogramSeries.group(name, samples);
  }

  /**
   * The series of a summary family.
   *
   * @throws IllegalStateException when this family is not a summary
   */
  public List<SummarySeries> summaries() {
    if (type != MetricType.SUMMARY) {
      throw new IllegalStateException(name + " is a " + type.token() + ", not a summary");
    }
    return SummarySeries.group(name, samples);
  }
}
