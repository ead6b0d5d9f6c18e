package io.infertune.tuner.space;

import java.util.HashSet;
import java.util.List;

/** Shared checks of the discrete parameter kinds. */
final class DiscreteValues {
  private DiscreteValues() {}

  static List<Object> canonicalList(String name, List<?> values) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("parameter '" + name + "' needs at least one value");
    }
    var seen = new HashSet<Object>();
    var out = new java.util.ArrayList<Object>(values.size());
    for (Object raw : values) {
      Object v = canonicalValue(name, raw);
      if (!seen.add(v)) {
        throw new IllegalArgumentException("parameter '" + name + "' lists '" + v + "' twice");
      }
      out.add(v);
    }
    return List.copyOf(out);
  }

  static Object canonicalValue(String name, Object raw) {
    if (raw instanceof String s) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("parameter '" + name + "' has an empty value");
      }
      return s;
    }
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("parameter '" + name + "' has a non-finite value");
      }
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    }
    if (raw instanceof Boolean b) {
      return b.toString();
    }
    throw new IllegalArgumentException(
        "parameter '"
            + name
            + "' values must be numbers or strings, got "
            + IntParameter.describe(raw));
  }

  static Object find(String name, List<Object> values, Object value) {
    Object v;
    try {
      v = canonicalValue(name, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "parameter '"
              + name
              + "' must be one of "
              + values
              + ", got "
              + IntParameter.describe(value));
    }
    if (!values.contains(v)) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' must be one of " + values + ", got '" + value + "'");
    }
    return v;
  }

  static int index(double u, int size) {
    double x = Double.isNaN(u) ? 0.5 : Math.min(1.0, Math.max(0.0, u));
    return Math.min(size - 1, (int) Math.floor(x * size));
  }
}
