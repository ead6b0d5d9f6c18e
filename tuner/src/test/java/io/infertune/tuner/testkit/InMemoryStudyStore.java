package io.infertune.tuner.testkit;

import io.infertune.tuner.study.Study;
import io.infertune.tuner.study.StudyStore;
import io.infertune.tuner.trial.Trial;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link StudyStore} in memory, for tests of the orchestration. Thread-safe (synchronized). */
public final class InMemoryStudyStore implements StudyStore {
  private final Map<String, Study> studies = new LinkedHashMap<>();
  private final Map<String, Trial> trials = new LinkedHashMap<>();

  @Override
  public synchronized void createStudy(Study study) {
    if (studies.putIfAbsent(study.id(), study) != null) {
      throw new IllegalStateException("study " + study.id() + " exists");
    }
  }

  @Override
  public synchronized Optional<Study> study(String id) {
    return Optional.ofNullable(studies.get(id));
  }

  @Override
  public synchronized List<Study> studies() {
    return studies.values().stream()
        .sorted(Comparator.comparing(Study::createdAt).reversed())
        .toList();
  }

  @Override
  public synchronized void addTrials(List<Trial> batch) {
    // Checked whole before anything is added: all of the batch or none.
    var ids = new HashSet<String>();
    var numbers = new HashSet<Map.Entry<String, Integer>>();
    for (Trial t : batch) {
      if (t.status().isFinal()) {
        throw new IllegalArgumentException("suggested trials are RUNNING, got " + t.status());
      }
      if (!studies.containsKey(t.campaignId())) {
        throw new IllegalStateException("no study " + t.campaignId());
      }
      boolean taken =
          trials.containsKey(t.id())
              || trials.values().stream()
                  .anyMatch(o -> o.campaignId().equals(t.campaignId()) && o.number() == t.number());
      if (taken || !ids.add(t.id()) || !numbers.add(Map.entry(t.campaignId(), t.number()))) {
        throw new IllegalStateException("trial " + t.id() + " exists");
      }
    }
    batch.forEach(t -> trials.put(t.id(), t));
  }

  @Override
  public synchronized List<Trial> trials(String studyId) {
    return trials.values().stream()
        .filter(t -> t.campaignId().equals(studyId))
        .sorted(Comparator.comparingInt(Trial::number))
        .toList();
  }

  @Override
  public synchronized Optional<Trial> trial(String studyId, String trialId) {
    return Optional.ofNullable(trials.get(trialId)).filter(t -> t.campaignId().equals(studyId));
  }

  @Override
  public synchronized boolean finishTrial(Trial finished) {
    if (!finished.status().isFinal()) {
      throw new IllegalArgumentException(
          "finishTrial takes a final trial, got " + finished.status());
    }
    Trial old = trials.get(finished.id());
    // A trial is finished as the trial of its own study and number, never moved.
    if (old == null
        || old.status().isFinal()
        || !old.campaignId().equals(finished.campaignId())
        || old.number() != finished.number()) {
      return false;
    }
    trials.put(finished.id(), finished);
    return true;
  }

  @Override
  public void close() {}
}
