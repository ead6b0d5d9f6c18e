package io.infertune.tuner.space;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An integer in {@code [min, max]} on the grid {@code min + k * step}.
 *
 * @param log whether the scale is logarithmic (requires {@code min >= 1})
 */
public record IntParameter(
    String name, long min, long max, long step, boolean log, Optional<Condition> when)
    implements Parameter {

  public IntParameter {
    Names.require("parameter", name);
    Objects.requireNonNull(when, "when");
    if (min > max) {
      throw new IllegalArgumentException(
          "parameter '" + name + "': min " + min + " is greater than max " + max);
    }
    if (step < 1) {
      throw new IllegalArgumentException("parameter '" + name + "': step must be >= 1");
    }
    if (log && min < 1) {
      throw new IllegalArgumentException(
          "parameter '" + name + "': a log-scaled integer needs min >= 1, got " + min);
    }
    if (Math.subtractExact(max, min) < 0) {
      throw new IllegalArgumentException("parameter '" + name + "': range overflows");
    }
  }

  @Override
  public IntParameter when(String parent, Object... values) {
    return new IntParameter(
        name, min, max, step, log, Optional.of(new Condition(parent, List.of(values))));
  }

  /** A copy with the given step. */
  public IntParameter withStep(long newStep) {
    return new IntParameter(name, min, max, newStep, log, when);
  }

  @Override
  public String type() {
    return "int";
  }

  @Override
  public Long canonical(Object value) {
    long v;
    if (value instanceof Long l) {
      v = l;
    } else if (value instanceof Integer i) {
      v = i;
    } else if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      v = n.longValue();
    } else {
      throw new IllegalArgumentException(
          "parameter '" + name + "' expects an integer, got " + describe(value));
    }
    if (v < min || v > max || (v - min) % step != 0) {
      throw new IllegalArgumentException(
          "parameter '"
              + name
              + "' must be in ["
              + min
              + ", "
              + max
              + "]"
              + (step > 1 ? " in steps of " + step : "")
              + ", got "
              + v);
    }
    return v;
  }

  @Override
  public Long fromUnit(double u) {
    double x = clamp(u);
    double raw;
    if (log) {
      // Half a unit beyond each end so that the end values get a fair share of the interval.
      double lo = Math.log(min - 0.5);
      double hi = Math.log(max + 0.5);
      raw = Math.exp(lo + x * (hi - lo));
    } else {
      raw = (min - 0.5) + x * (max - min + 1.0);
    }
    return snap(raw);
  }

  @Override
  public double toUnit(Object value) {
    long v = canonical(value);
    if (log) {
      double lo = Math.log(min - 0.5);
      double hi = Math.log(max + 0.5);
      return clamp((Math.log(v) - lo) / (hi - lo));
    }
    return clamp((v - (min - 0.5)) / (max - min + 1.0));
  }

  @Override
  public List<Object> gridValues(int levels) {
    if (levels < 1) {
      throw new IllegalArgumentException("levels must be >= 1");
    }
    if (cardinality() <= levels) {
      List<Object> all = new ArrayList<>();
      for (long v = min; v <= max; v += step) {
        all.add(v);
      }
      return all;
    }
    LinkedHashSet<Object> values = new LinkedHashSet<>();
    for (int i = 0; i < levels; i++) {
      double u = levels == 1 ? 0.5 : (double) i / (levels - 1);
      double raw =
          log
              ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
              : min + u * (max - min);
      values.add(snap(raw));
    }
    return List.copyOf(values);
  }

  @Override
  public long cardinality() {
    return (max - min) / step + 1;
  }

  private long snap(double raw) {
    long k = Math.round((raw - min) / step);
    long v = min + k * step;
    if (v > max) {
      v = min + ((max - min) / step) * step;
    }
    return Math.max(min, v);
  }

  private static double clamp(double u) {
    return Double.isNaN(u) ? 0.5 : Math.min(1.0, Math.max(0.0, u));
  }

  static String describe(Object value) {
    return value == null ? "null" : "'" + value + "' (" + value.getClass().getSimpleName() + ")";
  }
}
