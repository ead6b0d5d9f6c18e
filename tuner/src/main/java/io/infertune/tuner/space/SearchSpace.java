package io.infertune.tuner.space;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The knobs a campaign may turn, in declaration order. A conditional parameter's parent must be
 * declared before it, so that one pass in order decides which parameters are active.
 *
 * @implNote immutable and thread-safe.
 */
public record SearchSpace(List<Parameter> parameters) {

  public SearchSpace {
    if (parameters == null || parameters.isEmpty()) {
      throw new IllegalArgumentException("a search space needs at least one parameter");
    }
    parameters = List.copyOf(parameters);
    Map<String, Parameter> seen = new HashMap<>();
    List<Parameter> checked = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      if (seen.containsKey(p.name())) {
        throw new IllegalArgumentException("parameter '" + p.name() + "' is declared twice");
      }
      if (p.when().isPresent()) {
        Condition c = p.when().get();
        Parameter parent = seen.get(c.parent());
        if (parent == null) {
          throw new IllegalArgumentException(
              "parameter '"
                  + p.name()
                  + "' depends on unknown parameter '"
                  + c.parent()
                  + "' (declare the parent first)");
        }
        List<Object> canonical = new ArrayList<>();
        for (Object v : c.values()) {
          try {
            canonical.add(parent.canonical(v));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "parameter '" + p.name() + "' has a condition value that " + e.getMessage(), e);
          }
        }
        p = withCondition(p, new Condition(c.parent(), canonical));
      }
      seen.put(p.name(), p);
      checked.add(p);
    }
    parameters = List.copyOf(checked);
  }

  public static SearchSpace of(Parameter... parameters) {
    return new SearchSpace(List.of(parameters));
  }

  public int dimension() {
    return parameters.size();
  }

  public Optional<Parameter> find(String name) {
    for (Parameter p : parameters) {
      if (p.name().equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public Parameter get(String name) {
    return find(name)
        .orElseThrow(() -> new IllegalArgumentException("no parameter named '" + name + "'"));
  }

  public List<String> names() {
    return parameters.stream().map(Parameter::name).toList();
  }

  /** Whether {@code p} is active given the (already canonical) values chosen so far. */
  public boolean isActive(Parameter p, Map<String, Object> chosen) {
    if (p.when().isEmpty()) {
      return true;
    }
    Condition c = p.when().get();
    Object parentValue = chosen.get(c.parent());
    return parentValue != null && c.values().contains(parentValue);
  }

  /**
   * The canonical configuration for {@code values}: every active parameter present and in its
   * domain, no inactive or unknown one.
   *
   * @throws IllegalArgumentException naming the first offending parameter
   */
  public Configuration validate(Configuration values) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      boolean active = isActive(p, out);
      Optional<Object> v = values.find(p.name());
      if (active) {
        out.put(
            p.name(),
            p.canonical(
                v.orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "configuration has no value for parameter '" + p.name() + "'"))));
      } else if (v.isPresent()) {
        throw new IllegalArgumentException(
            "parameter '" + p.name() + "' is inactive here and must not be set");
      }
    }
    for (String name : values.values().keySet()) {
      if (find(name).isEmpty()) {
        throw new IllegalArgumentException("unknown parameter '" + name + "'");
      }
    }
    return new Configuration(out);
  }

  /** Whether {@link #validate} accepts {@code values}. */
  public boolean contains(Configuration values) {
    try {
      validate(values);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The configuration at unit coordinates {@code u} (one per parameter, in order); inactive
   * parameters are left out.
   */
  public Configuration fromUnit(double[] u) {
    if (u.length != parameters.size()) {
      throw new IllegalArgumentException(
          "expected " + parameters.size() + " coordinates, got " + u.length);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < u.length; i++) {
      Parameter p = parameters.get(i);
      if (isActive(p, out)) {
        out.put(p.name(), p.fromUnit(u[i]));
      }
    }
    return new Configuration(out);
  }

  /**
   * Unit coordinates of a configuration in this space; an inactive (absent) parameter sits at 0.5,
   * the centre, so that distances ignore it evenly.
   */
  public double[] toUnit(Configuration c) {
    double[] u = new double[parameters.size()];
    for (int i = 0; i < u.length; i++) {
      Parameter p = parameters.get(i);
      u[i] = c.find(p.name()).map(p::toUnit).orElse(0.5);
    }
    return u;
  }

  /**
   * An upper bound of the number of distinct configurations (exact without conditional parameters),
   * or {@code Long.MAX_VALUE} when unbounded.
   */
  public long cardinality() {
    long n = 1;
    for (Parameter p : parameters) {
      long c = p.cardinality();
      if (c == Long.MAX_VALUE || n > Long.MAX_VALUE / c) {
        return Long.MAX_VALUE;
      }
      n *= c;
    }
    return n;
  }

  /** The sub-space of the named parameters, in this space's order. */
  public SearchSpace subspace(List<String> names) {
    for (String n : names) {
      get(n);
    }
    return new SearchSpace(parameters.stream().filter(p -> names.contains(p.name())).toList());
  }

  private static Parameter withCondition(Parameter p, Condition c) {
    return switch (p) {
      case IntParameter i ->
          new IntParameter(i.name(), i.min(), i.max(), i.step(), i.log(), Optional.of(c));
      case FloatParameter f ->
          new FloatParameter(f.name(), f.min(), f.max(), f.log(), Optional.of(c));
      case OrdinalParameter o -> new OrdinalParameter(o.name(), o.values(), Optional.of(c));
      case CategoricalParameter k -> new CategoricalParameter(k.name(), k.values(), Optional.of(c));
    };
  }
}
