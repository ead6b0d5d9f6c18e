package io.infertune.tuner.store;

import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

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
   * A page of campaigns, as {@code query} says ({@link CampaignQuery#NEWEST_FIRST}). A store should
   * select the page in its query, without reading every campaign.
   *
   * @throws java.util.NoSuchElementException when {@code query.before()} names no campaign
   */
  default List<Campaign> campaignsPage(CampaignQuery query) {
    List<Campaign> all = campaigns().stream().sorted(CampaignQuery.NEWEST_FIRST).toList();
    Optional<Campaign> cursor =
        query
            .before()
            .map(
                id ->
                    campaign(id)
                        .orElseThrow(
                            () ->
                                new java.util.NoSuchElementException("no campaign '" + id + "'")));
    return all.stream()
        .filter(c -> cursor.isEmpty() || CampaignQuery.NEWEST_FIRST.compare(c, cursor.get()) > 0)
        .filter(query::matches)
        .limit(query.limit())
        .toList();
  }

  /**
   * A number that grows whenever this store has written something (a campaign, a trial or a
   * deployment), for caches of what it reads: a read that follows a change of the number may see
   * different data. Writes by other processes sharing the database are not counted. Empty when the
   * store does not count.
   */
  default OptionalLong changeCount() {
    return OptionalLong.empty();
  }

  /**
   * Saves a trial by id. Saving a final trial over a RUNNING one replaces it; saving over a final
   * one is a no-op when equal and an {@link IllegalStateException} otherwise.
   */
  void saveTrial(Trial trial);

  Optional<Trial> trial(String id);

  /** A campaign's trials in number order. */
  List<Trial> trials(String campaignId);

  /**
   * How many of the campaign's trials are in each status (a status with none is absent). Listings
   * call this for every campaign: a store should count without reading the trials.
   */
  default Map<TrialStatus, Long> trialCounts(String campaignId) {
    Map<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
    for (Trial t : trials(campaignId)) {
      counts.merge(t.status(), 1L, Long::sum);
    }
    return counts;
  }

  /**
   * The campaign's best trial for {@code objective}: of its feasible trials in number order, the
   * first that no later one beats strictly (the rule of {@link Trial#best}). A store should find it
   * without reading every trial.
   */
  default Optional<Trial> bestTrial(String campaignId, Objective objective) {
    return Trial.best(trials(campaignId), objective);
  }

  /**
   * {@link #trialCounts} of several campaigns at once (a listing's), keyed by campaign id; a
   * campaign without trials maps to an empty map. A store should answer in one query.
   */
  default Map<String, Map<TrialStatus, Long>> trialCounts(Collection<String> campaignIds) {
    Map<String, Map<TrialStatus, Long>> out = new HashMap<>();
    for (String id : campaignIds) {
      out.put(id, trialCounts(id));
    }
    return out;
  }

  /**
   * {@link #bestTrial} of several campaigns at once, each for its own objective, keyed by campaign
   * id; a campaign without a feasible trial is absent. A store should answer in a few queries.
   */
  default Map<String, Trial> bestTrials(Map<String, Objective> objectiveByCampaign) {
    Map<String, Trial> out = new HashMap<>();
    objectiveByCampaign.forEach(
        (id, objective) -> bestTrial(id, objective).ifPresent(t -> out.put(id, t)));
    return out;
  }

  /**
   * A page of the campaign's trials, newest (highest number) first: at most {@code limit} of those
   * numbered below {@code beforeNumber}, or of all when it is empty.
   *
   * @throws IllegalArgumentException when {@code limit < 1}
   */
  default List<Trial> trialsPage(String campaignId, int limit, OptionalInt beforeNumber) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    List<Trial> all = trials(campaignId);
    List<Trial> page = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0 && page.size() < limit; i--) {
      Trial t = all.get(i);
      if (beforeNumber.isEmpty() || t.number() < beforeNumber.getAsInt()) {
        page.add(t);
      }
    }
    return page;
  }

  void recordDeployment(Deployment deployment);

  /** A runtime's deployments, newest first. */
  List<Deployment> deployments(String runtimeId);

  @Override
  void close();
}
