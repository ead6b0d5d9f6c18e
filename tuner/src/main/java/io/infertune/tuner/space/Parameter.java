package io.infertune.tuner.space;

import java.util.List;
import java.util.Optional;

/**
 * One dimension of a {@link SearchSpace}.
 *
 * <p>Values are canonical Java types: {@link Long} for integers, {@link Double} for reals, and the
 * declared value objects ({@code Long}, {@code Double} or {@code String}) for ordinals and
 * categoricals. Every parameter maps its domain to and from the unit interval so that strategies
 * can work in {@code [0, 1]^d}: uniform in the parameter's own scale (logarithmic for log
 * parameters), and one equal-width cell per value for discrete parameters.
 *
 * @implNote implementations are immutable records and thread-safe.
 */
public sealed interface Parameter
    permits IntParameter, FloatParameter, OrdinalParameter, CategoricalParameter {

  /** The parameter's name, unique within its space. */
  String name();

  /** When present, the parameter is active only when its parent takes one of the given values. */
  Optional<Condition> when();

  /** A copy that is active only when {@code parent} takes one of {@code values}. */
  Parameter when(String parent, Object... values);

  /** The type's name as the REST API spells it: {@code int}, {@code float}, ... */
  String type();

  /**
   * The canonical form of {@code value} if it lies in the domain.
   *
   * @throws IllegalArgumentException naming the parameter when the value is outside the domain or
   *     of the wrong type
   */
  Object canonical(Object value);

  /** Whether {@code value} lies in the domain (after canonicalisation). */
  default boolean contains(Object value) {
    try {
      canonical(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The value at unit coordinate {@code u} in {@code [0, 1]} (clamped). */
  Object fromUnit(double u);

  /** The unit coordinate of a value in the domain: the inverse of {@link #fromUnit}. */
  double toUnit(Object value);

  /**
   * Values for a grid: every value of a discrete parameter, or {@code levels} evenly spaced values
   * (in the parameter's scale) of a continuous one.
   */
  List<Object> gridValues(int levels);

  /** The number of distinct values, or {@code Long.MAX_VALUE} for a real parameter. */
  long cardinality();

  /** Whether the values have an order that the strategies may exploit. */
  default boolean ordered() {
    return true;
  }

  /** An integer parameter on a linear scale, step 1. */
  static IntParameter integer(String name, long min, long max) {
    return new IntParameter(name, min, max, 1, false, Optional.empty());
  }

  /** An integer parameter on a logarithmic scale ({@code min >= 1}). */
  static IntParameter logInteger(String name, long min, long max) {
    return new IntParameter(name, min, max, 1, true, Optional.empty());
  }

  /** A real parameter on a linear scale. */
  static FloatParameter real(String name, double min, double max) {
    return new FloatParameter(name, min, max, false, Optional.empty());
  }

  /** A real parameter on a logarithmic scale ({@code min > 0}). */
  static FloatParameter logReal(String name, double min, double max) {
    return new FloatParameter(name, min, max, true, Optional.empty());
  }

  /** Ordered values such as batch sizes {@code 1, 2, 4, ..., 256}. */
  static OrdinalParameter ordinal(String name, Object... values) {
    return new OrdinalParameter(name, List.of(values), Optional.empty());
  }

  /** Unordered choices such as quantization levels. */
  static CategoricalParameter categorical(String name, String... values) {
    return new CategoricalParameter(name, List.of((Object[]) values), Optional.empty());
  }
}
