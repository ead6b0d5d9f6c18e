package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Deployment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeploymentMetricsTest {
  private static Deployment deployment(String runtime, String cause) {
    return new Deployment(
        "d",
        runtime,
        Optional.empty(),
        Configuration.of("batch_size", 1),
        Configuration.of("batch_size", 4),
        cause,
        "",
        Instant.EPOCH);
  }

  @Test
  void deploymentsAreCountedByTheKindOfTheirCauseAndRollbacksApart() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DeploymentMetrics metrics = DeploymentMetrics.on(registry);

    metrics.deploymentRecorded(deployment("a", "campaign:3f2c"));
    metrics.deploymentRecorded(deployment("a", "campaign:77aa"));
    metrics.record(deployment("a", "operator"));
    metrics.deploymentRecorded(deployment("a", "rollback:latency_p95_ms = 97 violates <= 50"));
    metrics.record(deployment("b", "rollback:operator"));
    metrics.record(deployment("b", "Some Tool/2"));

    assertThat(registry.get("infertune.deployments").tags("runtime", "a").counters())
        .extracting(c -> c.getId().getTag("cause") + "=" + (int) c.count())
        .containsExactlyInAnyOrder("campaign=2", "operator=1", "rollback=1");
    assertThat(registry.get("infertune.rollbacks").tag("runtime", "a").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("infertune.rollbacks").tag("runtime", "b").counter().count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("infertune.deployments")
                .tags("runtime", "b", "cause", "other")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void anUnboundInstanceCountsNothingAndDoesNotFail() {
    new DeploymentMetrics().record(deployment("a", "operator"));
  }
}
