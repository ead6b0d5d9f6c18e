package io.infertune.experiments.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The registry of benchmark landscapes, by the name used on the command line. */
public final class Landscapes {
  private static final Map<String, Supplier<Landscape>> ALL = registry();

  private Landscapes() {}

  private static Map<String, Supplier<Landscape>> registry() {
    Map<String, Supplier<Landscape>> m = new LinkedHashMap<>();
    m.put("branin", Branin::new);
    m.put("hartmann6", Hartmann6::new);
    m.put("noisy-hartmann6", () -> new Hartmann6(0.1));
    m.put("constrained-branin", ConstrainedBranin::new);
    m.put("serving", ServingLandscape::new);
    m.put("embedded-table", EmbeddedRuntimeTable::standard);
    return m;
  }

  /** Every landscape name, in a fixed order. */
  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }

  /**
   * The landscape named {@code name}.
   *
   * @throws IllegalArgumentException listing the known names
   */
  public static Landscape create(String name) {
    Supplier<Landscape> s = ALL.get(name.strip().toLowerCase(Locale.ROOT));
    if (s == null) {
      throw new IllegalArgumentException(
          "unknown landscape '" + name + "'; known landscapes: " + String.join(", ", names()));
    }
    return s.get();
  }
}
