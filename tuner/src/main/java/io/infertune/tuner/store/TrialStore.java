package io.infertune.tuner.store;

import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;
import java.util.List;
import java.util.Optional;

/**
 * The record of every campaign, trial and deployment.
 *
 * @apiNote contract (checked by the contract test kit in tuner's test-jar): trials are saved by id,
 *     idempotently (saving the same trial twice leaves one row; saving a later state of a trial
 *     replaces the earlier one); a trial whose status is final is never changed again; everything
 *     is queryable by campaign, in trial-number order; a write either happens whole or not at all.
 * @implNote implementations are thread-safe.
 */
public interface TrialStore extends AutoCloseable {
  /** Records a new campaign; fails if the id exists. */
  void createCampaign(Campaign campaign);

  /** Replaces a campaign's record (status, best trial, message). */
  void updateCampaign(Campaign campaign);

  Optional<Campaign> campaign(String id);

  /** All campaigns, newest first. */
  List<Campaign> campaigns();

  /**
   * Saves a trial by id. Saving a final trial over a RUNNING one replaces it; saving over a final
   * one is a no-op when equal and an {@link IllegalStateException} otherwise.
   */
  void saveTrial(Trial trial);

  Optional<Trial> trial(String id);

  /** A campaign's trials in number order. */
  List<Trial> trials(String campaignId);

  void recordDeployment(Deployment deployment);

  /** A runtime's deployments, newest first. */
  List<Deployment> deployments(String runtimeId);

  @Override
  void close();
}
