package io.infertune.tuner.run;

import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a campaign ended.
 *
 * @param baseline the trial of the configuration the runtime had when the campaign started
 * @param best the best feasible trial, if any
 * @param deployment the push of the best configuration, if one was made
 * @param trials every trial, in number order
 */
public record CampaignOutcome(
    Campaign campaign,
    Optional<Trial> baseline,
    Optional<Trial> best,
    Optional<Deployment> deployment,
    List<Trial> trials) {
  public CampaignOutcome {
    Objects.requireNonNull(campaign, "campaign");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(best, "best");
    Objects.requireNonNull(deployment, "deployment");
    trials = List.copyOf(trials);
  }

  public boolean pushed() {
    return deployment.isPresent();
  }
}
