package io.infertune.tuner.space;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Unordered choices, such as {@code fp32} and {@code int8}. */
public record CategoricalParameter(String name, List<Object> values, Optional<Condition> when)
    implements Parameter {

  public CategoricalParameter {
    Names.require("parameter", name);
    Objects.requireNonNull(when, "when");
    values = DiscreteValues.canonicalList(name, values);
  }

  @Override
  public CategoricalParameter when(String parent, Object... parentValues) {
    return new CategoricalParameter(
        name, values, Optional.of(new Condition(parent, List.of(parentValues))));
  }

  @Override
  public String type() {
    return "categorical";
  }

  @Override
  public Object canonical(Object value) {
    return DiscreteValues.find(name, values, value);
  }

  /** The position of {@code value} in {@link #values()}. */
  public int indexOf(Object value) {
    return values.indexOf(canonical(value));
  }

  @Override
  public Object fromUnit(double u) {
    return values.get(DiscreteValues.index(u, values.size()));
  }

  @Override
  public double toUnit(Object value) {
    return (indexOf(value) + 0.5) / values.size();
  }

  @Override
  public List<Object> gridValues(int levels) {
    return values;
  }

  @Override
  public long cardinality() {
    return values.size();
  }

  @Override
  public boolean ordered() {
    return false;
  }
}
