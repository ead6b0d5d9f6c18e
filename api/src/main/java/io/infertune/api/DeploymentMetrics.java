package io.infertune.api;

import io.infertune.tuner.run.TuningListener;
import io.infertune.tuner.trial.Deployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.regex.Pattern;

/**
 * Counts deployments: {@code infertune.deployments{runtime, cause}} for every configuration pushed
 * to a runtime, and {@code infertune.rollbacks{runtime}} for those that put a previous one back
 * (Prometheus: {@code infertune_deployments_total}, {@code infertune_rollbacks_total}). The {@code
 * cause} tag is the cause's kind, the part before its first colon ({@code campaign}, {@code
 * operator}, {@code rollback}): the full cause names a campaign or a reason, and one time series
 * per campaign would grow without bound.
 *
 * <p>Campaigns report through {@link TuningListener#deploymentRecorded}; manual pushes and
 * rollbacks call {@link #record}. Several instances bound to one registry count into the same
 * meters (Micrometer registers a name and tags once).
 *
 * @implNote thread-safe.
 */
public final class DeploymentMetrics implements TuningListener, MeterBinder {
  private static final Pattern KIND = Pattern.compile("[a-z][a-z_]{0,31}");

  private volatile MeterRegistry registry;

  /** A new instance bound to {@code registry}. */
  public static DeploymentMetrics on(MeterRegistry registry) {
    DeploymentMetrics m = new DeploymentMetrics();
    m.bindTo(registry);
    return m;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void deploymentRecorded(Deployment deployment) {
    record(deployment);
  }

  /** Counts one deployment that was made and stored. */
  public void record(Deployment d) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    String kind = causeKind(d.cause());
    Counter.builder("infertune.deployments")
        .description("Configurations pushed to a runtime, by what caused them")
        .tag("runtime", d.runtimeId())
        .tag("cause", kind)
        .register(r)
        .increment();
    if (kind.equals("rollback")) {
      Counter.builder("infertune.rollbacks")
          .description("Deployments that put a runtime's previous configuration back")
          .tag("runtime", d.runtimeId())
          .register(r)
          .increment();
    }
  }

  /** {@code campaign:c1} → {@code campaign}; anything not shaped like a kind → {@code other}. */
  static String causeKind(String cause) {
    int colon = cause.indexOf(':');
    String head = colon < 0 ? cause : cause.substring(0, colon);
    return KIND.matcher(head).matches() ? head : "other";
  }
}
