package io.infertune.tuner.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A real number in {@code [min, max]}.
 *
 * @param log whether the scale is logarithmic (requires {@code min > 0})
 */
public record FloatParameter(
    String name, double min, double max, boolean log, Optional<Condition> when)
    implements Parameter {

  public FloatParameter {
    Names.require("parameter", name);
    Objects.requireNonNull(when, "when");
    if (!Double.isFinite(min) || !Double.isFinite(max)) {
      throw new IllegalArgumentException("parameter '" + name + "': min and max must be finite");
    }
    if (min > max) {
      throw new IllegalArgumentException(
          "parameter '" + name + "': min " + min + " is greater than max " + max);
    }
    if (log && min <= 0) {
      throw new IllegalArgumentException(
          "parameter '" + name + "': a log-scaled real needs min > 0, got " + min);
    }
  }

  @Override
  public FloatParameter when(String parent, Object... values) {
    return new FloatParameter(
        name, min, max, log, Optional.of(new Condition(parent, List.of(values))));
  }

  @Override
  public String type() {
    return "float";
  }

  @Override
  public Double canonical(Object value) {
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' expects a number, got " + IntParameter.describe(value));
    }
    double v = n.doubleValue();
    if (!Double.isFinite(v) || v < min || v > max) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  @Override
  public Double fromUnit(double u) {
    double x = Double.isNaN(u) ? 0.5 : Math.min(1.0, Math.max(0.0, u));
    double v =
        log ? Math.exp(Math.log(min) + x * (Math.log(max) - Math.log(min))) : min + x * (max - min);
    return Math.min(max, Math.max(min, v));
  }

  @Override
  public double toUnit(Object value) {
    double v = canonical(value);
    if (max == min) {
      return 0.5;
    }
    return log
        ? (Math.log(v) - Math.log(min)) / (Math.log(max) - Math.log(min))
        : (v - min) / (max - min);
  }

  @Override
  public List<Object> gridValues(int levels) {
    if (levels < 1) {
      throw new IllegalArgumentException("levels must be >= 1");
    }
    if (max == min) {
      return List.of(min);
    }
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < levels; i++) {
      values.add(fromUnit(levels == 1 ? 0.5 : (double) i / (levels - 1)));
    }
    return values;
  }

  @Override
  public long cardinality() {
    return max == min ? 1 : Long.MAX_VALUE;
  }
}
