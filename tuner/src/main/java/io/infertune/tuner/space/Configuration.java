package io.infertune.tuner.space;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Values of named knobs: {@link Long}, {@link Double} or {@link String}. Immutable; iteration
 * follows the names' natural order so that equal configurations print and hash alike.
 */
public record Configuration(Map<String, Object> values) {

  public Configuration {
    Objects.requireNonNull(values, "values");
    TreeMap<String, Object> sorted = new TreeMap<>();
    for (var e : values.entrySet()) {
      Names.require("parameter", e.getKey());
      sorted.put(e.getKey(), canonicalValue(e.getKey(), e.getValue()));
    }
    values = Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
  }

  /** The empty configuration. */
  public static Configuration empty() {
    return new Configuration(Map.of());
  }

  /** A configuration from alternating names and values: {@code of("batch_size", 8, ...)}. */
  public static Configuration of(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must alternate");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return new Configuration(m);
  }

  /** The value of {@code name}, if set. */
  public Optional<Object> find(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The value of {@code name}; throws if unset. */
  public Object get(String name) {
    Object v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("configuration has no value for '" + name + "'");
    }
    return v;
  }

  public long getLong(String name) {
    Object v = get(name);
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException("'" + name + "' is not a number: " + v);
  }

  public double getDouble(String name) {
    Object v = get(name);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("'" + name + "' is not a number: " + v);
  }

  public String getString(String name) {
    return String.valueOf(get(name));
  }

  public boolean contains(String name) {
    return values.containsKey(name);
  }

  /** A copy with {@code name} set to {@code value}. */
  public Configuration with(String name, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(name, value);
    return new Configuration(m);
  }

  /** A copy with every value of {@code other} laid over this one's. */
  public Configuration overlay(Configuration other) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.putAll(other.values);
    return new Configuration(m);
  }

  /** A copy restricted to the names of {@code space}'s parameters. */
  public Configuration restrictTo(SearchSpace space) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (var e : values.entrySet()) {
      if (space.find(e.getKey()).isPresent()) {
        m.put(e.getKey(), e.getValue());
      }
    }
    return new Configuration(m);
  }

  private static Object canonicalValue(String name, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float || v instanceof Double) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("'" + name + "' must be finite, got " + d);
      }
      return d;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Boolean b) {
      return b.toString();
    }
    throw new IllegalArgumentException(
        "'" + name + "' must be a number or a string, got " + IntParameter.describe(v));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (var e : values.entrySet()) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }
}
