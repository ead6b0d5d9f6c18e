package io.infertune.runtime.prometheus;

import java.util.Locale;
import java.util.Optional;

/** The metric types of the text format's {@code # TYPE} line. */
public enum MetricType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  SUMMARY,
  /** No {@code # TYPE} line, or {@code # TYPE name untyped}. */
  UNTYPED;

  /**
   * The type named in a {@code # TYPE} line ({@code counter}, ...), if it is one of these; in any
   * case, as Prometheus' own parser reads it.
   */
  static Optional<MetricType> ofToken(String token) {
    for (MetricType t : values()) {
      if (t.token().equalsIgnoreCase(token)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** How a {@code # TYPE} line names this type. */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a sample named {@code familyName + suffix} belongs to a family of this type: counters
   * take {@code _total} and {@code _created} (OpenMetrics' names, which clients also write in the
   * text format), histograms {@code _bucket}, {@code _sum}, {@code _count}, {@code _created},
   * summaries {@code _sum}, {@code _count}, {@code _created}.
   */
  boolean acceptsSuffix(String suffix) {
    return switch (this) {
      case COUNTER -> suffix.equals("_total") || suffix.equals("_created");
      case HISTOGRAM ->
          suffix.equals("_bucket")
              || suffix.equals("_sum")
              || suffix.equals("_count")
              || suffix.equals("_created");
      case SUMMARY -> suffix.equals("_sum") || suffix.equals("_count") || suffix.equals("_created");
      case GAUGE, UNTYPED -> false;
    };
  }
}
