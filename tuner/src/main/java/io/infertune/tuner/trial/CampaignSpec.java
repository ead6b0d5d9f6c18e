package io.infertune.tuner.trial;

import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Names;
import io.infertune.tuner.space.SearchSpace;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an operator says about a campaign; immutable once the campaign starts.
 *
 * @param space the knobs to tune and their ranges (a sub-space of the runtime's knobs)
 * @param promotion how the best configuration is compared, pushed and watched at the end
 * @param live present for a campaign measured under the runtime's real traffic, near the incumbent,
 *     with the SLO guarded every interval; its {@code workload} is then not driven
 */
public record CampaignSpec(
    String name,
    String runtimeId,
    SearchSpace space,
    Objective objective,
    List<Constraint> constraints,
    StrategySpec strategy,
    Budget budget,
    MeasurementSpec measurement,
    WorkloadSpec workload,
    PromotionPolicy promotion,
    Optional<LiveMode> live) {

  public CampaignSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("name must be 1-200 characters");
    }
    Names.require("runtime", runtimeId);
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(objective, "objective");
    // A campaign measures a runtime: only the vocabulary's metrics exist there.
    Metrics.requireKnown("objective", objective.metric());
    constraints = List.copyOf(constraints);
    for (Constraint c : constraints) {
      Metrics.requireKnown("constraint", c.metric());
    }
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(promotion, "promotion");
    Objects.requireNonNull(live, "live");
  }

  /** A spec of an offline campaign (Infertune drives the load). */
  public CampaignSpec(
      String name,
      String runtimeId,
      SearchSpace space,
      Objective objective,
      List<Constraint> constraints,
      StrategySpec strategy,
      Budget budget,
      MeasurementSpec measurement,
      WorkloadSpec workload,
      PromotionPolicy promotion) {
    this(
        name,
        runtimeId,
        space,
        objective,
        constraints,
        strategy,
        budget,
        measurement,
        workload,
        promotion,
        Optional.empty());
  }

  /** A spec with the {@link PromotionPolicy#DEFAULT default promotion}. */
  public CampaignSpec(
      String name,
      String runtimeId,
      SearchSpace space,
      Objective objective,
      List<Constraint> constraints,
      StrategySpec strategy,
      Budget budget,
      MeasurementSpec measurement,
      WorkloadSpec workload) {
    this(
        name,
        runtimeId,
        space,
        objective,
        constraints,
        strategy,
        budget,
        measurement,
        workload,
        PromotionPolicy.DEFAULT);
  }

  /** A copy for another runtime. */
  public CampaignSpec withRuntime(String otherRuntimeId) {
    return new CampaignSpec(
        name,
        otherRuntimeId,
        space,
        objective,
        constraints,
        strategy,
        budget,
        measurement,
        workload,
        promotion,
        live);
  }

  /** A copy with another promotion policy. */
  public CampaignSpec withPromotion(PromotionPolicy p) {
    return new CampaignSpec(
        name,
        runtimeId,
        space,
        objective,
        constraints,
        strategy,
        budget,
        measurement,
        workload,
        p,
        live);
  }

  /** A copy measured live, under the runtime's real traffic ({@code mode}), or offline (empty). */
  public CampaignSpec withLive(Optional<LiveMode> mode) {
    return new CampaignSpec(
        name,
        runtimeId,
        space,
        objective,
        constraints,
        strategy,
        budget,
        measurement,
        workload,
        promotion,
        mode);
  }
}
