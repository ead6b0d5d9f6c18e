package io.infertune.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.experiments.bench.Landscapes;
import org.junit.jupiter.api.Test;

/** The harness around the timed ask, driven by hand (no JMH, nothing timed). */
class AskBenchmarkTest {
  @Test
  void everyTimedAskSeesBetweenToldPlusOneAndToldPlusTheWindowTrials() {
    for (String landscape : new String[] {"serving", "hartmann6"}) {
      AskBenchmark b = new AskBenchmark();
      b.landscape = landscape;
      b.told = 50;
      b.chooseLandscape();
      for (int round = 0; round < 2 * AskBenchmark.ASKS_PER_STRATEGY; round++) {
        b.strategyWithHistory();
        int toldBefore = ((Number) b.strategy.state().get("told")).intValue();
        assertThat(toldBefore)
            .as(landscape + " ask " + round)
            .isBetween(b.told + 1, b.told + AskBenchmark.ASKS_PER_STRATEGY);
        assertThat(Landscapes.create(landscape).space().contains(b.ask())).isTrue();
        b.tellOutcome();
      }
    }
  }
}
