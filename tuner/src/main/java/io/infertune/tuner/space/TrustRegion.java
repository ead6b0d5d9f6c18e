package io.infertune.tuner.space;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The part of a search space near one configuration (the incumbent of a live campaign, see {@code
 * LiveMode}): numeric knobs within {@code radius} of their range on either side of the centre, in
 * the knob's own scale (logarithmic where the knob is); ordinal knobs within {@code round(radius *
 * (levels - 1))} levels, at least one; categorical knobs fixed at the centre's value. A knob whose
 * centre value is absent (inactive) or outside its domain keeps its whole domain; a conditional
 * knob whose parent can no longer take any of the values that activate it is left out, as are its
 * own children.
 *
 * <p>Every configuration of the region is a configuration of the space, and the centre is in the
 * region.
 */
public final class TrustRegion {
  private TrustRegion() {}

  /**
   * The region of {@code space} around {@code centre}.
   *
   * @param radius half-width as a fraction of each knob's range, in (0, 1]
   * @throws IllegalArgumentException for a radius outside (0, 1]
   */
  public static SearchSpace around(SearchSpace space, Configuration centre, double radius) {
    if (!(radius > 0 && radius <= 1)) {
      throw new IllegalArgumentException("radius must be in (0, 1], got " + radius);
    }
    List<Parameter> out = new ArrayList<>();
    Map<String, Parameter> kept = new HashMap<>();
    Set<String> dropped = new HashSet<>();
    for (Parameter p : space.parameters()) {
      Optional<Parameter> narrowed = narrowCondition(p, kept, dropped);
      if (narrowed.isEmpty()) {
        dropped.add(p.name());
        continue;
      }
      Parameter q = narrow(narrowed.get(), centre.find(p.name()), radius);
      kept.put(q.name(), q);
      out.add(q);
    }
    return new SearchSpace(out);
  }

  /** {@code p} with its condition's values cut to what its (narrowed) parent can still take. */
  private static Optional<Parameter> narrowCondition(
      Parameter p, Map<String, Parameter> kept, Set<String> dropped) {
    if (p.when().isEmpty()) {
      return Optional.of(p);
    }
    Condition c = p.when().get();
    if (dropped.contains(c.parent())) {
      return Optional.empty();
    }
    Parameter parent = kept.get(c.parent());
    List<Object> still = new ArrayList<>();
    for (Object v : c.values()) {
      if (parent == null || parent.contains(v)) {
        still.add(v);
      }
    }
    if (still.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(p.when(c.parent(), still.toArray()));
  }

  private static Parameter narrow(Parameter p, Optional<Object> centreValue, double radius) {
    if (centreValue.isEmpty() || !p.contains(centreValue.get())) {
      return p;
    }
    Object v = p.canonical(centreValue.get());
    return switch (p) {
      case IntParameter i -> {
        double u = i.toUnit(v);
        long lo = Math.min(i.fromUnit(Math.max(0, u - radius)), (Long) v);
        long hi = Math.max(i.fromUnit(Math.min(1, u + radius)), (Long) v);
        yield new IntParameter(i.name(), lo, hi, i.step(), i.log(), i.when());
      }
      case FloatParameter f -> {
        double u = f.toUnit(v);
        double lo = Math.min(f.fromUnit(Math.max(0, u - radius)), (Double) v);
        double hi = Math.max(f.fromUnit(Math.min(1, u + radius)), (Double) v);
        yield new FloatParameter(f.name(), lo, hi, f.log(), f.when());
      }
      case OrdinalParameter o -> {
        int at = o.indexOf(v);
        int k = Math.max(1, (int) Math.round(radius * (o.values().size() - 1)));
        int from = Math.max(0, at - k);
        int to = Math.min(o.values().size(), at + k + 1);
        yield new OrdinalParameter(o.name(), o.values().subList(from, to), o.when());
      }
      case CategoricalParameter k -> new CategoricalParameter(k.name(), List.of(v), k.when());
    };
  }
}
