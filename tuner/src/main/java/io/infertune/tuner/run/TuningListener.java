package io.infertune.tuner.run;

import io.infertune.tuner.trial.Campaign;
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

  default void campaignFinished(CampaignOutcome outcome) {}
}
