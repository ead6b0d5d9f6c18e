package io.infertune.tuner.testkit;

import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** A {@link TrialStore} in memory, for tests of the orchestration. Thread-safe (synchronized). */
public final class InMemoryTrialStore implements TrialStore {
  private final Map<String, Campaign> campaigns = new LinkedHashMap<>();
  private final Map<String, Trial> trials = new LinkedHashMap<>();
  private final List<Deployment> deployments = new ArrayList<>();
  private long changes;

  @Override
  public synchronized void createCampaign(Campaign campaign) {
    if (campaigns.putIfAbsent(campaign.id(), campaign) != null) {
      throw new IllegalStateException("campaign " + campaign.id() + " exists");
    }
    changes++;
  }

  @Override
  public synchronized void updateCampaign(Campaign campaign) {
    if (!campaigns.containsKey(campaign.id())) {
      throw new IllegalStateException("no campaign " + campaign.id());
    }
    campaigns.put(campaign.id(), campaign);
    changes++;
  }

  @Override
  public synchronized Optional<Campaign> campaign(String id) {
    return Optional.ofNullable(campaigns.get(id));
  }

  @Override
  public synchronized List<Campaign> campaigns() {
    return campaigns.values().stream()
        .sorted(Comparator.comparing(Campaign::createdAt).reversed())
        .toList();
  }

  @Override
  public synchronized void saveTrial(Trial trial) {
    Trial old = trials.get(trial.id());
    if (old != null && old.status().isFinal() && !old.equals(trial)) {
      throw new IllegalStateException("trial " + trial.id() + " is final");
    }
    trials.put(trial.id(), trial);
    changes++;
  }

  @Override
  public synchronized Optional<Trial> trial(String id) {
    return Optional.ofNullable(trials.get(id));
  }

  @Override
  public synchronized List<Trial> trials(String campaignId) {
    return trials.values().stream()
        .filter(t -> t.campaignId().equals(campaignId))
        .sorted(Comparator.comparingInt(Trial::number))
        .toList();
  }

  @Override
  public synchronized void recordDeployment(Deployment deployment) {
    deployments.add(deployment);
    changes++;
  }

  @Override
  public synchronized OptionalLong changeCount() {
    return OptionalLong.of(changes);
  }

  @Override
  public synchronized List<Deployment> deployments(String runtimeId) {
    return deployments.stream()
        .filter(d -> d.runtimeId().equals(runtimeId))
        .sorted(Comparator.comparing(Deployment::at).reversed())
        .toList();
  }

  @Override
  public void close() {}
}
