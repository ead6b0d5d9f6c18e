package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LatticeTest {

  @Test
  void numbersEveryValidConfigurationExactlyOnce() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.categorical("mode", "a", "b", "c"),
            Parameter.integer("n", 1, 3).when("mode", "a", "b"),
            Parameter.categorical("extra", "x", "y").when("n", 3),
            Parameter.ordinal("batch", 1, 2),
            Parameter.categorical("tail", "t", "u").when("mode", "c"));
    // mode a or b: n in {1, 2} (2) or n = 3 with extra (2) -> 4 each; mode c: tail (2).
    // (4 + 4 + 2) x 2 batch sizes = 20.
    Lattice lattice = Lattice.ofDomains(space);
    assertThat(lattice.size()).isEqualTo(20);
    Set<Configuration> points = new HashSet<>();
    for (long i = 0; i < lattice.size(); i++) {
      Configuration c = lattice.get(i);
      assertThat(space.validate(c)).isEqualTo(c);
      assertThat(lattice.contains(c)).isTrue();
      points.add(c);
    }
    assertThat(points).hasSize(20);
  }

  @Test
  void gridMembershipFollowsTheGridValues() {
    SearchSpace space = SearchSpace.of(Parameter.integer("x", 0, 100));
    Lattice grid = Lattice.ofGrid(space, 3);
    assertThat(grid.size()).isEqualTo(3);
    assertThat(grid.contains(Configuration.of("x", 50))).isTrue();
    assertThat(grid.contains(Configuration.of("x", 51))).isFalse();
  }

  @Test
  void saturatesInsteadOfOverflowing() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.integer("a", 0, Long.MAX_VALUE / 4),
            Parameter.integer("b", 0, Long.MAX_VALUE / 4));
    assertThat(new Lattice(space, p -> java.util.List.of(0L, 1L)).size()).isEqualTo(4);
    assertThat(Lattice.ofGrid(space, 5).size()).isEqualTo(25);
  }
}
