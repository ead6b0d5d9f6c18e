package io.infertune.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.space.Configuration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LandscapesTest {
  private static final SplittableRandom NOISE = new SplittableRandom(1);

  private static Landscape.Outcome.Measured measured(Landscape l, Configuration c) {
    return (Landscape.Outcome.Measured) l.evaluate(c, NOISE);
  }

  @Test
  void braninHasItsKnownMinimumAtAllThreeArguments() {
    Landscape b = new Branin();
    double[][] argmins = {{Math.PI, 2.275}, {-Math.PI, 12.275}, {9.42478, 2.475}};
    for (double[] x : argmins) {
      assertThat(measured(b, Configuration.of("x1", x[0], "x2", x[1])).truth())
          .isCloseTo(b.optimum(), within(1e-5));
    }
    assertThat(b.optimum()).isCloseTo(0.397887, within(1e-6));
  }

  @Test
  void hartmann6HasItsKnownMinimum() {
    Landscape h = new Hartmann6();
    Configuration c = Configuration.empty();
    for (int j = 0; j < 6; j++) {
      c = c.with("x" + (j + 1), Hartmann6.ARGMIN[j]);
    }
    assertThat(measured(h, c).truth()).isCloseTo(-3.32237, within(1e-4));
    assertThat(measured(h, c).observed()).isEqualTo(measured(h, c).truth());
  }

  @Test
  void noisyHartmann6ObservesWithNoiseButScoresTheNoiselessValue() {
    Landscape h = Landscapes.create("noisy-hartmann6");
    Configuration c = Configuration.empty();
    for (int j = 0; j < 6; j++) {
      c = c.with("x" + (j + 1), 0.5);
    }
    double truth = Hartmann6.value(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
    double sum = 0;
    double sumSq = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      var m = measured(h, c);
      assertThat(m.truth()).isEqualTo(truth);
      double e = m.observed() - truth;
      sum += e;
      sumSq += e * e;
    }
    assertThat(sum / n).isCloseTo(0, within(0.01));
    assertThat(Math.sqrt(sumSq / n)).isCloseTo(0.1, within(0.01));
  }

  @Test
  void constrainedBraninIsFeasibleAtItsOptimumAndExcludesTheUnconstrainedMinima() {
    Landscape cb = new ConstrainedBranin();
    var atOptimum =
        measured(cb, Configuration.of("x1", 3.010194939675067, "x2", 3.057061656568938));
    assertThat(atOptimum.truth()).isCloseTo(cb.optimum(), within(1e-6));
    assertThat(cb.constraints().get(0).admits(atOptimum.metrics().get(Metrics.MEMORY_MB) - 1e-9))
        .isTrue();
    var atBraninMin = measured(cb, Configuration.of("x1", Math.PI, "x2", 2.275));
    assertThat(cb.constraints().get(0).admits(atBraninMin.metrics().get(Metrics.MEMORY_MB)))
        .isFalse();
  }

  @Test
  void servingCrashesOnLargeFp32BatchesOnOneGpuAndHasAFeasibleOptimum() {
    Landscape s = new ServingLandscape();
    assertThat(
            s.evaluate(
                Configuration.of(
                    "batch_size",
                    256,
                    "quantization",
                    "fp32",
                    "placement",
                    "gpu0",
                    "cache_entries",
                    0),
                NOISE))
        .isInstanceOf(Landscape.Outcome.Failed.class);
    assertThat(s.optimum()).isGreaterThan(0).isFinite();
    var cpu =
        measured(
            s,
            Configuration.of(
                "batch_size", 1, "quantization", "fp32", "placement", "cpu", "cache_entries", 0));
    assertThat(cpu.truth()).isCloseTo(1000.0 / 44, within(1e-9));
    assertThat(cpu.truth()).isLessThan(s.optimum());
  }

  @Test
  void embeddedTableReplaysEveryGridPointAsRecorded() {
    EmbeddedRuntimeTable t = EmbeddedRuntimeTable.standard();
    assertThat(t.points()).hasSize((int) t.space().cardinality());
    for (EmbeddedRuntimeTable.Point p : t.points()) {
      var m = measured(t, p.configuration());
      assertThat(m.observed()).isEqualTo(p.throughput());
      assertThat(m.truth()).isEqualTo(p.throughput());
      assertThat(m.metrics()).containsEntry(Metrics.CPU_UTILIZATION, p.cpuUtilization());
    }
  }

  @Test
  void embeddedTableOptimumIsTheBestThroughputWithinTheCpuBudgetWhichBinds() {
    EmbeddedRuntimeTable t = EmbeddedRuntimeTable.standard();
    var best = t.points().stream().filter(EmbeddedRuntimeTable.Point::feasible).toList();
    assertThat(best).isNotEmpty();
    double feasibleMax =
        best.stream().mapToDouble(EmbeddedRuntimeTable.Point::throughput).max().orElseThrow();
    assertThat(t.optimum()).isEqualTo(feasibleMax);
    double overallMax =
        t.points().stream().mapToDouble(EmbeddedRuntimeTable.Point::throughput).max().orElseThrow();
    assertThat(overallMax)
        .as("the budget must cut off the fastest points")
        .isGreaterThan(feasibleMax);
  }

  @Test
  void embeddedTableRefusesAnIncompleteGrid() {
    var points = EmbeddedRuntimeTable.standard().points();
    assertThatThrownBy(() -> new EmbeddedRuntimeTable(points.subList(1, points.size())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of the space's");
  }

  @Test
  void everyRegisteredLandscapeBuilds() {
    for (String name : Landscapes.names()) {
      Landscape l = Landscapes.create(name);
      assertThat(l.name()).isEqualTo(name);
      assertThat(l.scale()).isPositive();
    }
  }
}
