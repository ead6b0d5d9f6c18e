package io.infertune.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BenchmarkDriverTest {
  private final AtomicLong clock = new AtomicLong();
  private final BenchmarkDriver driver =
      new BenchmarkDriver(new BenchmarkStrategies(), () -> clock.addAndGet(1_000));

  @Test
  void randomOnBraninGivesAMonotoneBestSoFarForEverySeed() {
    for (long seed = 1; seed <= 3; seed++) {
      RunResult r = driver.run("random", new Branin(), seed, 10);
      double[] best = r.bestSoFar();
      assertThat(best).hasSize(10);
      assertThat(r.askNanos()).containsOnly(1_000L);
      for (int k = 1; k < best.length; k++) {
        assertThat(best[k]).isLessThanOrEqualTo(best[k - 1]);
      }
      assertThat(best[9]).isGreaterThanOrEqualTo(Branin.OPTIMUM);
    }
  }

  @Test
  void aRunIsAFunctionOfItsSeed() {
    RunResult a = driver.run("random", new Hartmann6(0.1), 7, 10);
    RunResult b = driver.run("random", new Hartmann6(0.1), 7, 10);
    assertThat(a.bestSoFar()).containsExactly(b.bestSoFar());
  }

  @Test
  void failuresAndInfeasibleTrialsAreCountedAndNeverBecomeTheBest() {
    RunResult r = driver.run("random", new ServingLandscape(), 3, 30);
    assertThat(r.failed() + r.infeasible()).isPositive();
    for (double b : r.bestSoFar()) {
      assertThat(Double.isNaN(b) || b <= new ServingLandscape().optimum()).isTrue();
    }
  }

  @Test
  void theBenchmarkRunsEveryStrategyOnEveryLandscapeOverTheSeeds() {
    var out = new ByteArrayOutputStream();
    var bench =
        new StrategyBenchmark(
            driver, Runnable::run, new PrintStream(out, true, StandardCharsets.UTF_8));
    var options =
        StrategyBenchmark.Options.parse(
            "--strategies",
            "random,sobol",
            "--landscapes",
            "branin,serving",
            "--seeds",
            "3",
            "--budget",
            "10");
    List<RunStats> rows = bench.run(options);
    assertThat(rows).hasSize(4);
    assertThat(rows).allSatisfy(s -> assertThat(s.runs()).hasSize(3));
    assertThat(rows.get(0).medianAt(10)).isFinite();
  }
}
