package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.testkit.SearchStrategyContract;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridSearchTest extends SearchStrategyContract {

  @Override
  protected SearchStrategy create(StrategyContext context) {
    return new GridSearch(context);
  }

  @Test
  void enumeratesExactlyTheProductOfTheGridValues() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.ordinal("batch", 1, 8, 64),
            Parameter.categorical("q", "fp32", "int8"),
            Parameter.real("timeout", 0, 30));
    GridSearch grid = new GridSearch(context(space, 1, 100), 4);
    Set<Configuration> expected = new HashSet<>();
    for (Object b : List.of(1, 8, 64)) {
      for (String q : List.of("fp32", "int8")) {
        for (double t : new double[] {0, 10, 20, 30}) {
          expected.add(Configuration.of("batch", b, "q", q, "timeout", t));
        }
      }
    }
    List<Configuration> asked = grid.ask(100);
    assertThat(grid.size()).isEqualTo(24);
    assertThat(asked).hasSize(24).doesNotHaveDuplicates();
    assertThat(new HashSet<>(asked)).isEqualTo(expected);
    assertThat(grid.ask(1)).isEmpty();
    assertThat(grid.state()).containsEntry("remaining", 0L).containsEntry("asked", 24);
  }

  @Test
  void aConditionalParameterMultipliesOnlyTheBranchesWhereItIsActive() {
    // 4 batch sizes x (fp32 + int8 x 3 caches) x 5 threads.
    GridSearch flat = new GridSearch(context(mixedSpace(), 1, 100));
    assertThat(flat.size()).isEqualTo(80);
    assertThat(flat.ask(1000)).hasSize(80).doesNotHaveDuplicates().allMatch(mixedSpace()::contains);

    // A condition on a conditional parameter: mode a -> level (3 values), level high -> boost.
    SearchSpace nested =
        SearchSpace.of(
            Parameter.categorical("mode", "a", "b"),
            Parameter.categorical("level", "low", "mid", "high").when("mode", "a"),
            Parameter.integer("boost", 1, 4).when("level", "high"),
            Parameter.categorical("spin", "on", "off"));
    // (b + a x (low + mid + high x 4)) x 2 = (1 + 6) x 2 = 14.
    GridSearch g = new GridSearch(context(nested, 2, 100));
    List<Configuration> asked = g.ask(100);
    assertThat(asked).hasSize(14).doesNotHaveDuplicates().allMatch(nested::contains);
    assertThat(asked).filteredOn(c -> c.contains("boost")).hasSize(8);
    assertThat(asked).filteredOn(c -> c.getString("mode").equals("b")).hasSize(2);
  }

  @Test
  void skipsToldPoints() {
    SearchSpace space =
        SearchSpace.of(Parameter.integer("threads", 1, 6), Parameter.categorical("q", "a", "b"));
    GridSearch grid = new GridSearch(context(space, 3, 12), 6);
    List<Configuration> told = new ArrayList<>();
    for (int t = 1; t <= 5; t++) {
      told.add(Configuration.of("threads", t, "q", "a"));
    }
    for (int i = 0; i < told.size(); i++) {
      // Each with a knob outside the space, as a full runtime configuration has.
      grid.tell(completed("old", i, told.get(i).with("replicas", 1), i));
    }
    // Not a grid point (outside the domain): counted as told, changes nothing.
    grid.tell(completed("old", 9, Configuration.of("threads", 99, "q", "a"), 0));
    assertThat(grid.state()).containsEntry("remaining", 7L).containsEntry("told", 6);

    List<Configuration> asked = grid.ask(100);
    assertThat(asked).hasSize(7).doesNotHaveDuplicates().doesNotContainAnyElementsOf(told);
    assertThat(grid.state()).containsEntry("remaining", 0L);
  }

  @Test
  void theOrderIsShuffledSoThatAnEarlyStopSeesASpread() {
    SearchSpace space = SearchSpace.of(Parameter.integer("x", 0, 99));
    Set<List<Configuration>> firsts = new HashSet<>();
    for (long seed = 0; seed < 8; seed++) {
      List<Configuration> first = new GridSearch(context(space, seed, 10), 100).ask(10);
      firsts.add(first);
      long low = first.stream().filter(c -> c.getLong("x") < 50).count();
      assertThat(low).as("points in the lower half, seed %d", seed).isBetween(1L, 9L);
    }
    assertThat(firsts).as("different seeds, different orders").hasSize(8);
  }

  @Test
  void continuousParametersGetTheRequestedLevelsInTheirOwnScale() {
    SearchSpace space = SearchSpace.of(Parameter.logReal("lr", 1e-4, 1));
    List<Double> values =
        new GridSearch(context(space, 0, 10), 5)
            .ask(10).stream().map(c -> c.getDouble("lr")).sorted().toList();
    assertThat(values).hasSize(5);
    double[] expected = {1e-4, 1e-3, 1e-2, 1e-1, 1};
    for (int i = 0; i < 5; i++) {
      assertThat(values.get(i)).isCloseTo(expected[i], withPercentage(1e-6));
    }
  }

  @Test
  void refusesAHugeGridNamingTheAlternatives() {
    List<Parameter> params = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      params.add(Parameter.real("x" + i, 0, 1));
    }
    SearchSpace space = new SearchSpace(params);
    // 5^10 = 9765625 points.
    assertThatThrownBy(() -> new GridSearch(context(space, 0, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("9765625")
        .hasMessageContaining("random")
        .hasMessageContaining("fewer levels");
    // 3^10 = 59049 points is fine.
    assertThat(new GridSearch(context(space, 0, 10), 3).size()).isEqualTo(59049);
  }

  @Test
  void rejectsLevelsBelowOne() {
    assertThatThrownBy(() -> new GridSearch(context(smallSpace(), 0, 10), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("levels");
  }
}
