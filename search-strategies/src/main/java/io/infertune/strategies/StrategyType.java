package io.infertune.strategies;

import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry of search strategies: one constant per strategy, with the name that campaign specs,
 * the REST API and the CLI use for it. A new strategy is one more constant here; nothing else in
 * the system lists strategies.
 *
 * @implNote immutable and thread-safe.
 */
public enum StrategyType {
  /** {@link RandomSearch}. */
  RANDOM("random", "uniform random search, no repeats", RandomSearch::new),
  /** {@link GridSearch}, at {@value GridSearch#DEFAULT_LEVELS} levels per continuous parameter. */
  GRID("grid", "every grid point, in a seeded shuffled order", GridSearch::new),
  /** {@link SobolSearch}. */
  SOBOL("sobol", "Sobol low-discrepancy sequence with a seeded random shift", SobolSearch::new),
  /** {@link BayesianSearch}, with its default options. */
  BAYESIAN(
      "bayesian",
      "Gaussian process (Matern-5/2, ARD) with log expected improvement and feasibility",
      BayesianSearch::new),
  /** {@link GeneticSearch}, sized from the budget. */
  GENETIC("genetic", "genetic algorithm (Jenetics) behind ask/tell", GeneticSearch::new),
  /** {@link Nsga2Search}, sized from the budget. */
  NSGA2(
      "nsga2",
      "multi-objective NSGA-II (Jenetics) with constrained domination; returns a Pareto front",
      Nsga2Search::new);

  private final String wireName;
  private final String description;
  private final Function<StrategyContext, SearchStrategy> constructor;

  StrategyType(
      String wireName, String description, Function<StrategyContext, SearchStrategy> constructor) {
    this.wireName = wireName;
    this.description = description;
    this.constructor = constructor;
  }

  /** The name in campaign specs ({@code StrategySpec.type}), the API and the CLI. */
  public String wireName() {
    return wireName;
  }

  /** One line for listings (CLI help, the API's strategy list). */
  public String description() {
    return description;
  }

  /**
   * A new strategy of this type for {@code context}.
   *
   * @throws IllegalArgumentException when the strategy cannot serve the context's space (e.g. a
   *     grid too large), or its several objectives (bayesian and genetic optimise one)
   */
  public SearchStrategy create(StrategyContext context) {
    Objects.requireNonNull(context, "context");
    return constructor.apply(context);
  }

  /** The type named {@code name} (ignoring case and surrounding blanks), if there is one. */
  public static Optional<StrategyType> find(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String key = name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(t -> t.wireName.equals(key)).findFirst();
  }

  /**
   * The type named {@code name} (ignoring case and surrounding blanks).
   *
   * @throws IllegalArgumentException listing the known names when there is no such type
   */
  public static StrategyType parse(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown strategy '"
                        + name
                        + "'; known strategies: "
                        + String.join(", ", wireNames())));
  }

  /** Every wire name, in declaration order. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(StrategyType::wireName).toList();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
