package io.infertune.tuner.space;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Ordered values, such as batch sizes {@code 1, 2, 4, ..., 256}. Values are numbers or strings;
 * integers are kept as {@link Long}, other numbers as {@link Double}.
 */
public record OrdinalParameter(String name, List<Object> values, Optional<Condition> when)
    implements Parameter {

  public OrdinalParameter {
    Names.require("parameter", name);
    Objects.requireNonNull(when, "when");
    values = DiscreteValues.canonicalList(name, values);
  }

  @Override
  public OrdinalParameter when(String parent, Object... parentValues) {
    return new OrdinalParameter(
        name, values, Optional.of(new Condition(parent, List.of(parentValues))));
  }

  @Override
  public String type() {
    return "ordinal";
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
}
