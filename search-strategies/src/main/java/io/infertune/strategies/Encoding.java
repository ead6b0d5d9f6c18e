package io.infertune.strategies;

import io.infertune.tuner.space.CategoricalParameter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Points of a search space in the two forms a model-based strategy needs, without the cost of a
 * {@link Configuration} per candidate (a sorted map, name checks, canonicalisation: tens of
 * microseconds, more than a Gaussian-process prediction).
 *
 * <ul>
 *   <li>A {@link Point}: each parameter's canonical value (null when inactive) and its {@link Key},
 *       the vector of the values' unit coordinates ({@link Parameter#toUnit}), NaN for inactive
 *       parameters. Two points are the same configuration exactly when their keys are equal, so
 *       keys deduplicate candidates and check them against visited configurations.
 *   <li>The input features of a Gaussian process: one feature per ordered parameter (int, float,
 *       ordinal) at its unit coordinate (already logarithmic for log parameters, the cell centre
 *       for an ordinal), and one column per value for a categorical parameter (one-hot), at {@code
 *       √½} so that two different values are at distance 1, as the two ends of an ordered parameter
 *       are. An inactive conditional parameter sits at a fixed neutral value: 0.5 for an ordered
 *       one (the centre, as {@link SearchSpace#toUnit} puts it), all zeros for a categorical one
 *       (equally far, √½, from each of its values). Every feature of a parameter shares that
 *       parameter's length scale: {@link #groups} maps features to parameters.
 * </ul>
 *
 * @implNote immutable and thread-safe.
 */
final class Encoding {
  static final double ONE_HOT = Math.sqrt(0.5);

  private final List<Parameter> parameters;
  private final int[] offset;
  private final int[] groups;

  /** For each parameter, the index of its parent, or -1. */
  private final int[] parent;

  /** A space's configuration, decoded: values by parameter index, and the key. */
  record Point(Object[] values, Key key) {}

  /** The unit coordinates of a point's values, NaN where inactive; equal for equal points. */
  record Key(double[] unit) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(unit, k.unit);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(unit);
    }

    @Override
    public String toString() {
      return Arrays.toString(unit);
    }
  }

  Encoding(SearchSpace space) {
    this.parameters = space.parameters();
    int d = parameters.size();
    this.offset = new int[d];
    this.parent = new int[d];
    int f = 0;
    for (int i = 0; i < d; i++) {
      offset[i] = f;
      f += width(parameters.get(i));
      parent[i] = -1;
      var when = parameters.get(i).when();
      if (when.isPresent()) {
        parent[i] = space.names().indexOf(when.get().parent());
      }
    }
    this.groups = new int[f];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < width(parameters.get(i)); j++) {
        groups[offset[i] + j] = i;
      }
    }
  }

  /** The number of features. */
  int features() {
    return groups.length;
  }

  /** The number of length scales: one per parameter. */
  int groupCount() {
    return parameters.size();
  }

  /** For each feature, the index of its parameter (and length scale). */
  int[] groups() {
    return groups.clone();
  }

  /** The point at unit coordinates {@code u}: what {@link SearchSpace#fromUnit} would give. */
  Point decode(double[] u) {
    int d = parameters.size();
    Object[] values = new Object[d];
    double[] key = new double[d];
    for (int i = 0; i < d; i++) {
      Parameter p = parameters.get(i);
      if (active(i, values)) {
        values[i] = p.fromUnit(u[i]);
        key[i] = p.toUnit(values[i]);
      } else {
        key[i] = Double.NaN;
      }
    }
    return new Point(values, new Key(key));
  }

  /** The point of {@code c}, a canonical configuration of the space. */
  Point point(Configuration c) {
    int d = parameters.size();
    Object[] values = new Object[d];
    double[] key = new double[d];
    for (int i = 0; i < d; i++) {
      Parameter p = parameters.get(i);
      values[i] = c.values().get(p.name());
      key[i] = values[i] == null ? Double.NaN : p.toUnit(values[i]);
    }
    return new Point(values, new Key(key));
  }

  /** The configuration of a point. */
  Configuration configuration(Point point) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      if (point.values()[i] != null) {
        m.put(parameters.get(i).name(), point.values()[i]);
      }
    }
    return new Configuration(m);
  }

  /** Unit coordinates of a point, inactive parameters at the centre, 0.5. */
  double[] unit(Point point) {
    double[] u = point.key().unit().clone();
    for (int i = 0; i < u.length; i++) {
      if (Double.isNaN(u[i])) {
        u[i] = 0.5;
      }
    }
    return u;
  }

  /** The features of a point. */
  double[] features(Point point) {
    double[] x = new double[groups.length];
    double[] key = point.key().unit();
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      if (p instanceof CategoricalParameter k) {
        if (!Double.isNaN(key[i])) {
          int m = k.values().size();
          x[offset[i] + Math.min(m - 1, (int) Math.floor(key[i] * m))] = ONE_HOT;
        }
      } else {
        x[offset[i]] = Double.isNaN(key[i]) ? 0.5 : key[i];
      }
    }
    return x;
  }

  private boolean active(int i, Object[] values) {
    int p = parent[i];
    if (p < 0) {
      return true;
    }
    return values[p] != null && parameters.get(i).when().get().values().contains(values[p]);
  }

  private static int width(Parameter p) {
    return p instanceof CategoricalParameter k ? k.values().size() : 1;
  }
}
