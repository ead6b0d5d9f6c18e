package io.infertune.tuner.space;

import java.util.List;
import java.util.Objects;

/**
 * Activates a conditional parameter only when its parent parameter takes one of {@code values}.
 *
 * @param parent the name of the parent parameter, declared earlier in the same space
 * @param values the parent values that activate the child (canonicalised by the space)
 */
public record Condition(String parent, List<Object> values) {
  public Condition {
    Objects.requireNonNull(parent, "parent");
    if (parent.isBlank()) {
      throw new IllegalArgumentException("condition parent must not be blank");
    }
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("condition on '" + parent + "' needs at least one value");
    }
    values = List.copyOf(values);
  }
}
