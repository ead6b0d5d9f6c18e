package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Names;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyTypeTest {
  private static final StrategyContext CONTEXT =
      new StrategyContext(
          SearchSpace.of(Parameter.integer("threads", 1, 4)),
          Objective.maximize("throughput_rps"),
          List.of(),
          0,
          10);
  private static final StrategyContext TWO_OBJECTIVES =
      new StrategyContext(
          CONTEXT.space(),
          List.of(Objective.maximize("throughput_rps"), Objective.minimize("latency_p95_ms")),
          List.of(),
          0,
          10);

  @Test
  void parsesWireNamesIgnoringCaseAndBlanks() {
    assertThat(StrategyType.parse("random")).isEqualTo(StrategyType.RANDOM);
    assertThat(StrategyType.parse("grid")).isEqualTo(StrategyType.GRID);
    assertThat(StrategyType.parse(" Sobol ")).isEqualTo(StrategyType.SOBOL);
    assertThat(StrategyType.parse("Bayesian")).isEqualTo(StrategyType.BAYESIAN);
    assertThat(StrategyType.parse("genetic")).isEqualTo(StrategyType.GENETIC);
    assertThat(StrategyType.parse("NSGA2")).isEqualTo(StrategyType.NSGA2);
    assertThat(StrategyType.find("bayesian-ish")).isEmpty();
    assertThat(StrategyType.find(null)).isEmpty();
  }

  @Test
  void rejectsAnUnknownNameListingTheKnownOnes() {
    assertThatThrownBy(() -> StrategyType.parse("annealing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'annealing'")
        .hasMessageContaining("random, grid, sobol, bayesian, genetic, nsga2");
    assertThatThrownBy(() -> new Strategies().create("annealing", CONTEXT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("random, grid, sobol, bayesian, genetic, nsga2");
  }

  @Test
  void wireNamesAreUniqueValidNamesThatRoundTrip() {
    assertThat(new HashSet<>(StrategyType.wireNames())).hasSize(StrategyType.values().length);
    for (StrategyType t : StrategyType.values()) {
      assertThat(Names.require("strategy", t.wireName())).isEqualTo(t.toString());
      assertThat(StrategyType.parse(t.wireName())).isEqualTo(t);
      assertThat(t.description()).isNotBlank();
    }
    assertThat(new Strategies().names()).isEqualTo(StrategyType.wireNames());
  }

  @Test
  void theFactoryCreatesTheNamedStrategy() throws Exception {
    Strategies strategies = new Strategies();
    assertThat(strategies.create("random", CONTEXT)).isInstanceOf(RandomSearch.class);
    assertThat(strategies.create("grid", CONTEXT)).isInstanceOf(GridSearch.class);
    assertThat(strategies.create("sobol", CONTEXT)).isInstanceOf(SobolSearch.class);
    assertThat(strategies.create("bayesian", CONTEXT)).isInstanceOf(BayesianSearch.class);
    try (GeneticSearch genetic = (GeneticSearch) strategies.create("genetic", CONTEXT)) {
      assertThat(genetic.engineThread()).isEmpty();
    }
    try (Nsga2Search nsga2 = (Nsga2Search) strategies.create("nsga2", CONTEXT)) {
      assertThat(nsga2.engineThread()).isEmpty();
    }
    for (StrategyType t : StrategyType.values()) {
      SearchStrategy s = strategies.create(t.wireName(), CONTEXT);
      assertThat(s.ask(2)).hasSize(2);
      if (s instanceof AutoCloseable c) {
        c.close(); // the evolutionary searches' engine threads
      }
    }
  }

  @Test
  void singleObjectiveStrategiesRefuseSeveralObjectivesNamingNsga2() {
    for (String type : List.of("bayesian", "genetic")) {
      assertThatThrownBy(() -> new Strategies().create(type, TWO_OBJECTIVES))
          .as(type)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + type + "'")
          .hasMessageContaining("nsga2");
    }
  }

  @Test
  void samplersAndNsga2AcceptSeveralObjectives() throws Exception {
    for (String type : List.of("random", "sobol", "grid", "nsga2")) {
      SearchStrategy s = new Strategies().create(type, TWO_OBJECTIVES);
      assertThat(s.ask(3)).as(type).hasSize(3).allMatch(TWO_OBJECTIVES.space()::contains);
      if (s instanceof AutoCloseable c) {
        c.close();
      }
    }
  }
}
