package io.infertune.tuner.objective;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.space.Names;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A bound on a metric that a configuration must respect to be feasible, e.g. {@code accuracy >=
 * 0.98} or {@code latency_p95_ms <= 50}. The metric is any valid name here; a campaign requires one
 * of the vocabulary ({@link io.infertune.tuner.trial.CampaignSpec}).
 */
public record Constraint(String metric, OptionalDouble min, OptionalDouble max) {
  public Constraint {
    Names.require("constraint metric", metric);
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (min.isEmpty() && max.isEmpty()) {
      throw new IllegalArgumentException("constraint on '" + metric + "' needs a min or a max");
    }
    if (min.isPresent() && !Double.isFinite(min.getAsDouble())
        || max.isPresent() && !Double.isFinite(max.getAsDouble())) {
      throw new IllegalArgumentException("constraint on '" + metric + "' needs finite bounds");
    }
    if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
      throw new IllegalArgumentException(
          "constraint on '"
              + metric
              + "': min "
              + min.getAsDouble()
              + " > max "
              + max.getAsDouble());
    }
  }

  public static Constraint atLeast(String metric, double min) {
    return new Constraint(metric, OptionalDouble.of(min), OptionalDouble.empty());
  }

  public static Constraint atMost(String metric, double max) {
    return new Constraint(metric, OptionalDouble.empty(), OptionalDouble.of(max));
  }

  /** Whether {@code value} lies within the bounds. */
  public boolean admits(double value) {
    return (min.isEmpty() || value >= min.getAsDouble())
        && (max.isEmpty() || value <= max.getAsDouble());
  }

  /**
   * Why {@code m} violates this constraint, or empty when it does not. A metric missing from the
   * measurement is a violation: feasibility must be shown, not assumed.
   */
  public Optional<String> violation(Measurement m) {
    OptionalDouble v = m.value(metric);
    if (v.isEmpty()) {
      return Optional.of(metric + " was not measured");
    }
    if (admits(v.getAsDouble())) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            java.util.Locale.ROOT, "%s = %.4g violates %s", metric, v.getAsDouble(), bounds()));
  }

  /** The bounds as text, e.g. {@code >= 0.98} or {@code in [1, 5]}. */
  public String bounds() {
    if (min.isPresent() && max.isPresent()) {
      return "in [" + min.getAsDouble() + ", " + max.getAsDouble() + "]";
    }
    return min.isPresent() ? ">= " + min.getAsDouble() : "<= " + max.getAsDouble();
  }

  @Override
  public String toString() {
    return metric + " " + bounds();
  }
}
