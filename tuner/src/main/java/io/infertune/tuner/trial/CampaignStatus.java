package io.infertune.tuner.trial;

/** Where a campaign stands. */
public enum CampaignStatus {
  PENDING,
  RUNNING,
  COMPLETED,
  STOPPED,
  FAILED;

  public boolean isFinal() {
    return this == COMPLETED || this == STOPPED || this == FAILED;
  }
}
