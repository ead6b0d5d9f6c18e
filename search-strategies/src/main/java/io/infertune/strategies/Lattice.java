package io.infertune.strategies;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A finite set of configurations of a space: each parameter restricted to a list of values, with
 * the space's conditions honoured. A conditional parameter multiplies only the branches where it is
 * active, so the size is exact, not the plain product of the value counts.
 *
 * <p>Points are numbered {@code 0 .. size()-1} and decoded on demand ({@link #get}), so that a grid
 * of a million points costs no more memory than its index.
 *
 * <p>How the numbering works: conditions make the parameters a forest (a conditional parameter is
 * the child of its parent). The number of sub-configurations under a parameter {@code p} is {@code
 * count(p) = Σ_v Π_{c active when p = v} count(c)}, and the number of points is the product of the
 * counts of the roots. An index is decoded in mixed radix over the roots, then within a parameter
 * by finding the value whose cumulative weight passes the index, then in mixed radix over the
 * children that value activates.
 *
 * @implNote immutable after construction and thread-safe.
 */
final class Lattice {
  private final List<Parameter> parameters;
  private final List<List<Object>> values;
  private final List<Map<Object, Integer>> positions;

  /** {@code activeChildren[p][k]}: the parameters activated when parameter p takes value k. */
  private final int[][][] activeChildren;

  /** {@code cumulative[p][k]}: the points under p with values 0..k, saturated. */
  private final long[][] cumulative;

  private final long[] count;
  private final int[] roots;
  private final long size;

  /**
   * @param valuesOf the (canonical, distinct) values each parameter may take here
   */
  Lattice(SearchSpace space, Function<Parameter, List<Object>> valuesOf) {
    this.parameters = space.parameters();
    int d = parameters.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < d; i++) {
      index.put(parameters.get(i).name(), i);
    }
    this.values = new ArrayList<>(d);
    this.positions = new ArrayList<>(d);
    for (Parameter p : parameters) {
      List<Object> vs = List.copyOf(valuesOf.apply(p));
      Map<Object, Integer> pos = new HashMap<>();
      for (int k = 0; k < vs.size(); k++) {
        pos.put(vs.get(k), k);
      }
      values.add(vs);
      positions.add(pos);
    }

    List<List<Integer>> children = new ArrayList<>(d);
    List<Integer> rootList = new ArrayList<>();
    for (int i = 0; i < d; i++) {
      children.add(new ArrayList<>());
    }
    for (int i = 0; i < d; i++) {
      var when = parameters.get(i).when();
      if (when.isPresent()) {
        children.get(index.get(when.get().parent())).add(i);
      } else {
        rootList.add(i);
      }
    }
    this.roots = rootList.stream().mapToInt(Integer::intValue).toArray();

    this.activeChildren = new int[d][][];
    this.cumulative = new long[d][];
    this.count = new long[d];
    // A parent is declared before its children, so going backwards counts children first.
    for (int p = d - 1; p >= 0; p--) {
      List<Object> vs = values.get(p);
      activeChildren[p] = new int[vs.size()][];
      cumulative[p] = new long[vs.size()];
      long total = 0;
      for (int k = 0; k < vs.size(); k++) {
        Object v = vs.get(k);
        List<Integer> active = new ArrayList<>();
        long weight = 1;
        for (int c : children.get(p)) {
          if (parameters.get(c).when().orElseThrow().values().contains(v)) {
            active.add(c);
            weight = saturatedMultiply(weight, count[c]);
          }
        }
        activeChildren[p][k] = active.stream().mapToInt(Integer::intValue).toArray();
        total = saturatedAdd(total, weight);
        cumulative[p][k] = total;
      }
      count[p] = total;
    }
    long n = 1;
    for (int r : roots) {
      n = saturatedMultiply(n, count[r]);
    }
    this.size = n;
  }

  /** The lattice of every value of every parameter; only for spaces of finite parameters. */
  static Lattice ofDomains(SearchSpace space) {
    return new Lattice(space, Lattice::domain);
  }

  /** The lattice of each parameter's {@link Parameter#gridValues grid values}. */
  static Lattice ofGrid(SearchSpace space, int levels) {
    return new Lattice(space, p -> p.gridValues(levels));
  }

  /** Every value of a finite parameter, in order. */
  static List<Object> domain(Parameter p) {
    if (p.cardinality() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "parameter '" + p.name() + "' has too many values to enumerate");
    }
    // gridValues returns the whole domain of a discrete parameter asked for at least as many
    // levels as it has values (and the single value of a real with min == max).
    return p.gridValues((int) p.cardinality());
  }

  /** The number of points; {@code Long.MAX_VALUE} when it does not fit in a long. */
  long size() {
    return size;
  }

  /**
   * The point numbered {@code index}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  Configuration get(long index) {
    if (size == Long.MAX_VALUE) {
      throw new IllegalStateException("the lattice is too large to number its points");
    }
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("point " + index + " of " + size);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    decodeAll(roots, index, out);
    return new Configuration(out);
  }

  /** Whether {@code c}, a configuration valid in the space, is one of the points. */
  boolean contains(Configuration c) {
    for (int p = 0; p < parameters.size(); p++) {
      var v = c.find(parameters.get(p).name());
      if (v.isPresent() && !positions.get(p).containsKey(v.get())) {
        return false;
      }
    }
    return true;
  }

  private void decodeAll(int[] params, long index, Map<String, Object> out) {
    long rest = index;
    for (int p : params) {
      decode(p, rest % count[p], out);
      rest /= count[p];
    }
  }

  private void decode(int p, long index, Map<String, Object> out) {
    long[] cum = cumulative[p];
    // The first value whose cumulative count exceeds the index.
    int k = Arrays.binarySearch(cum, index + 1);
    if (k < 0) {
      k = -k - 1;
    }
    long offset = k == 0 ? 0 : cum[k - 1];
    out.put(parameters.get(p).name(), values.get(p).get(k));
    decodeAll(activeChildren[p][k], index - offset, out);
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }

  private static long saturatedAdd(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }
}
