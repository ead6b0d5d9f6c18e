package io.infertune.tuner.objective;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.space.Names;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What is optimised: a metric and a direction. A campaign's metric must be one of the vocabulary
 * ({@link io.infertune.tuner.measure.Metrics}, checked by {@link
 * io.infertune.tuner.trial.CampaignSpec}); a study's may be any name its caller reports values for.
 *
 * @param metric for example {@code throughput_rps} or {@code latency_p95_ms}
 */
public record Objective(String metric, Direction direction) {
  public Objective {
    Names.require("objective metric", metric);
    Objects.requireNonNull(direction, "direction");
  }

  public static Objective maximize(String metric) {
    return new Objective(metric, Direction.MAXIMIZE);
  }

  public static Objective minimize(String metric) {
    return new Objective(metric, Direction.MINIMIZE);
  }

  /** The objective's value in a measurement, if the measurement has it. */
  public OptionalDouble valueIn(Measurement m) {
    return m.value(metric);
  }

  /** {@code true} when {@code a} is strictly better than {@code b}. */
  public boolean better(double a, double b) {
    return direction.better(a, b);
  }

  @Override
  public String toString() {
    return direction.wireName() + " " + metric;
  }
}
