package io.infertune.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.infertune.tuner.space.Configuration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OptunaStrategyTest {
  @BeforeAll
  static void needsOptuna() {
    assumeTrue(OptunaStrategy.available(), "/usr/bin/python3 cannot import optuna");
  }

  @Test
  void everySamplerAsksInsideTheSpaceAndLearnsFromTells() {
    AtomicLong clock = new AtomicLong();
    BenchmarkDriver driver =
        new BenchmarkDriver(new BenchmarkStrategies(), () -> clock.addAndGet(1));
    for (String sampler : BenchmarkStrategies.optuna()) {
      for (Landscape l : List.of(new ServingLandscape(), new ConstrainedBranin())) {
        RunResult r = driver.run(sampler, l, 1, 8);
        assertThat(r.trials()).as(sampler + " on " + l.name()).isEqualTo(8);
      }
    }
  }

  @Test
  void asksAreValidConfigurationsOfTheSpace() {
    Landscape l = new ServingLandscape();
    var context =
        new io.infertune.tuner.strategy.StrategyContext(
            l.space(), l.objective(), l.constraints(), 5, 10);
    try (OptunaStrategy s = new OptunaStrategy(OptunaStrategy.Sampler.TPE, context, 5)) {
      List<Configuration> asked = s.ask(3);
      assertThat(asked).hasSize(3).allSatisfy(c -> assertThat(l.space().contains(c)).isTrue());
    }
  }
}
