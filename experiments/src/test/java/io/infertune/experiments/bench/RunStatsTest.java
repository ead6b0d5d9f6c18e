package io.infertune.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.objective.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunStatsTest {
  private static RunResult run(long seed, double... best) {
    long[] ask = new long[best.length];
    java.util.Arrays.fill(ask, 2_000_000L * seed); // 2 ms × seed
    return new RunResult("s", "l", seed, best, ask, 0, 0);
  }

  private static double[] constant(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Test
  void quantilesInterpolateBetweenOrderStatistics() {
    double[] v = {4, 1, 3, 2};
    assertThat(RunStats.quantile(v, 0.5)).isEqualTo(2.5);
    assertThat(RunStats.quantile(v, 0.25)).isCloseTo(1.75, within(1e-12));
    assertThat(RunStats.quantile(v, 0.75)).isCloseTo(3.25, within(1e-12));
    assertThat(RunStats.quantile(new double[] {7}, 0.25)).isEqualTo(7);
    assertThat(RunStats.quantile(new double[] {1, 2, 3, 4, 5}, 0.5)).isEqualTo(3);
  }

  @Test
  void statsOverHandMadeRunsGiveMediansQuartilesSharesAndAskTimes() {
    // Minimising towards an optimum of 1.0: seeds end at 1.005, 1.02, 2.0, 1.0 and 3.0.
    List<RunResult> runs =
        List.of(
            run(1, constant(20, 1.005)),
            run(2, constant(20, 1.02)),
            run(3, constant(20, 2.0)),
            run(4, constant(20, 1.0)),
            run(5, constant(20, 3.0)));
    RunStats s = new RunStats("s", "l", Direction.MINIMIZE, 1.0, 1.0, 20, runs);
    assertThat(s.medianAt(10)).isEqualTo(1.02);
    assertThat(s.quantileAt(10, 0.25)).isEqualTo(1.005);
    assertThat(s.quantileAt(10, 0.75)).isEqualTo(2.0);
    assertThat(s.medianAt(20)).isEqualTo(1.02);
    assertThat(s.medianAt(50)).isNaN(); // beyond the budget
    assertThat(s.withinTolerance()).isEqualTo(0.4); // 1.005 and 1.0
    assertThat(s.medianAskMs()).isCloseTo(6.0, within(1e-9));
  }

  @Test
  void aSeedWithoutAFeasibleTrialCountsAsTheWorst() {
    double[] never = constant(10, Double.NaN);
    double[] late = constant(10, Double.NaN);
    late[9] = 5;
    List<RunResult> runs = List.of(run(1, never), run(2, late), run(3, constant(10, 4)));
    RunStats min = new RunStats("s", "l", Direction.MINIMIZE, 0, 1, 10, runs);
    assertThat(min.medianAt(10)).isEqualTo(5);
    assertThat(min.quantileAt(10, 0.75)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(min.medianAt(5)).isEqualTo(Double.POSITIVE_INFINITY);
    RunStats max = new RunStats("s", "l", Direction.MAXIMIZE, 10, 10, 10, runs);
    assertThat(max.medianAt(10)).isEqualTo(4);
    assertThat(max.quantileAt(10, 0.25)).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void reportsCarryTheDeclaredColumns() {
    RunStats s =
        new RunStats(
            "random", "branin", Direction.MINIMIZE, 1, 1, 10, List.of(run(1, constant(10, 2))));
    String csv = ReportFormat.CSV.render(List.of(s));
    String[] lines = csv.split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0].split(",")).hasSize(RunStats.COLUMNS.size());
    assertThat(lines[0]).startsWith("strategy,landscape,seeds,optimum,best@10_q1");
    assertThat(lines[1]).startsWith("random,branin,1,1.0000,2.0000,2.0000,2.0000,-");
    assertThat(ReportFormat.TABLE.render(List.of(s))).contains("best@20_median").contains("random");
  }
}
