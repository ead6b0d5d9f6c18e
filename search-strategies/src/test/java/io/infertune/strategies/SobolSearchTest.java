package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.testkit.SearchStrategyContract;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SobolSearchTest extends SearchStrategyContract {
  private static final SearchSpace SQUARE =
      SearchSpace.of(Parameter.real("x", 0, 1), Parameter.real("y", 0, 1));

  @Override
  protected SearchStrategy create(StrategyContext context) {
    return new SobolSearch(context);
  }

  @Test
  void leavesFewerEmptyCellsThanRandomSearch() {
    int seeds = 10;
    int sobolEmpty = 0;
    int randomEmpty = 0;
    for (long seed = 0; seed < seeds; seed++) {
      int s = emptyCells(new SobolSearch(context(SQUARE, seed, 64)).ask(64));
      int r = emptyCells(new RandomSearch(context(SQUARE, seed, 64)).ask(64));
      // 64 uniform points leave about 64 (63/64)^64 = 23 of 64 cells empty; the first 64 points
      // of a digitally shifted 2-D Sobol sequence are a (0,6,2)-net: one point in every cell.
      assertThat(s).as("empty cells of sobol, seed %d", seed).isZero();
      sobolEmpty += s;
      randomEmpty += r;
    }
    assertThat(sobolEmpty).as("empty cells over %d seeds", seeds).isLessThan(randomEmpty / 2);
    assertThat(randomEmpty / seeds).as("mean empty cells of random").isBetween(15, 30);
  }

  @Test
  void differentSeedsShiftTheSequence() {
    Set<List<Configuration>> sequences = new HashSet<>();
    for (long seed = 0; seed < 5; seed++) {
      sequences.add(new SobolSearch(context(SQUARE, seed, 8)).ask(8));
    }
    assertThat(sequences).hasSize(5);
  }

  @Test
  void exhaustsADiscreteSpaceThenAsksNothing() {
    SearchStrategy s = create(context(mixedSpace(), 3, 100));
    List<Configuration> all = s.ask(100);
    assertThat(all).hasSize(80).doesNotHaveDuplicates().allMatch(mixedSpace()::contains);
    assertThat(s.ask(1)).isEmpty();
    assertThat(s.state()).containsEntry("asked", 80).containsEntry("visited", 80);
  }

  @Test
  void skipsToldConfigurations() {
    SearchSpace space = smallSpace();
    SearchStrategy s = create(context(space, 1, 6));
    Configuration told = Configuration.of("batch_size", 8, "q", "int8");
    s.tell(completed("old", 0, told.with("replicas", 3), 1));
    assertThat(s.ask(10)).hasSize(5).doesNotContain(told);
  }

  /** Cells of the 8 x 8 grid on the unit square that hold none of the points. */
  private static int emptyCells(List<Configuration> points) {
    boolean[][] hit = new boolean[8][8];
    for (Configuration c : points) {
      hit[(int) Math.min(7, c.getDouble("x") * 8)][(int) Math.min(7, c.getDouble("y") * 8)] = true;
    }
    int empty = 0;
    for (boolean[] row : hit) {
      for (boolean h : row) {
        empty += h ? 0 : 1;
      }
    }
    return empty;
  }
}
