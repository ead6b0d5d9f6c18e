package io.infertune.tuner.study;

import io.infertune.tuner.trial.Trial;
import java.util.List;
import java.util.Optional;

/**
 * Where studies and their trials live.
 *
 * @apiNote contract (checked by {@code StudyStoreContract} in tuner's test-jar): a study id is
 *     created once; suggested trials are added RUNNING, all of a batch or none; a RUNNING trial is
 *     finished exactly once ({@link #finishTrial} is a compare-and-set, so two concurrent
 *     completions, even from two service instances on one database, record one); trials read back
 *     in number order, equal to what was written.
 * @implNote implementations are thread-safe.
 */
public interface StudyStore extends AutoCloseable {
  /**
   * Records a new study.
   *
   * @throws IllegalStateException when the id exists
   */
  void createStudy(Study study);

  Optional<Study> study(String id);

  /** All studies, newest first. */
  List<Study> studies();

  /**
   * Adds suggested trials, all RUNNING, of studies that exist, atomically.
   *
   * @throws IllegalStateException when a trial id or a (study, number) pair exists; nothing is
   *     added then
   */
  void addTrials(List<Trial> trials);

  /** A study's trials in number order. */
  List<Trial> trials(String studyId);

  Optional<Trial> trial(String studyId, String trialId);

  /**
   * Replaces a RUNNING trial with its final state.
   *
   * @return {@code false}, changing nothing, when the trial does not exist or is already final
   * @throws IllegalArgumentException when {@code finished} is not final
   */
  boolean finishTrial(Trial finished);

  @Override
  void close();
}
