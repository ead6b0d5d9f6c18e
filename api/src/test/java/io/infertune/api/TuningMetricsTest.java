package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TuningMetricsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Trial trial(int number) {
    return Trial.running("c", number, Configuration.of("batch_size", number), false, T0);
  }

  @Test
  void prunedTrialsAreCountedUnderTheirOwnStatus() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TuningMetrics metrics = new TuningMetrics();
    metrics.bindTo(registry);
    Measurement m =
        new Measurement(Map.of("throughput_rps", MetricSummary.ofValue(50)), Duration.ofSeconds(2));
    metrics.trialStarted(trial(1));
    metrics.trialFinished(trial(1).pruned(m, 50, "pruned", T0.plusSeconds(3)));
    metrics.trialStarted(trial(2));
    metrics.trialFinished(trial(2).measured(m, 50, Optional.empty(), T0.plusSeconds(9)));

    assertThat(registry.get("infertune.trials").tag("status", "pruned").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("infertune.trials").tag("status", "completed").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("infertune.trial.duration").tag("status", "pruned").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("infertune.trials.running").gauge().value()).isZero();
  }
}
