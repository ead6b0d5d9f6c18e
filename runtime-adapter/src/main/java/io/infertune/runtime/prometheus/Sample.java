package io.infertune.runtime.prometheus;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One line of an exposition page: a series (name and labels) and its value.
 *
 * @param name the sample's name as written, suffix included ({@code foo_bucket}, {@code foo_total})
 * @param labels label values, unescaped
 * @param value the value; {@code NaN} and infinities as written
 * @param timestampMillis the optional timestamp, milliseconds since the Unix epoch
 */
public record Sample(
    String name, Map<String, String> labels, double value, OptionalLong timestampMillis) {

  public Sample {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(timestampMillis, "timestampMillis");
  }

  /** A sample without timestamp. */
  public static Sample of(String name, Map<String, String> labels, double value) {
    return new Sample(name, labels, value, OptionalLong.empty());
  }

  /**
   * The value of label {@code name} parsed as a number (as {@code le} and {@code quantile} are).
   */
  OptionalDouble numericLabel(String label) {
    String v = labels.get(label);
    if (v == null) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(PrometheusTextParser.parseNumber(v));
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }
}
