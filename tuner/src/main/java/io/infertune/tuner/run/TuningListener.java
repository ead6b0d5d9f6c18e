package io.infertune.tuner.run;

import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;

/**
 * Observes a campaign as it runs (progress lines, metrics, server-sent events). Called on the
 * campaign's thread; implementations must return quickly and must not throw.
 */
public interface TuningListener {
  default void campaignStarted(Campaign campaign) {}

  default void trialStarted(Trial trial) {}

  /** A trial ended; the trial is already stored. */
  default void trialFinished(Trial trial) {}

  /** A configuration was pushed to the runtime or rolled back; the deployment is stored. */
  default void deploymentRecorded(Deployment deployment) {}

  default void campaignFinished(CampaignOutcome outcome) {}
}
