package io.infertune.tuner.trial;

/** Where a trial stands. Every status but {@link #RUNNING} is final. */
public enum TrialStatus {
  /** Applied and being measured. */
  RUNNING,
  /** Measured, and every constraint held. */
  COMPLETED,
  /** Measured, but a constraint was violated; the reason names it. */
  INFEASIBLE,
  /**
   * Abandoned early because its partial measurement was already clearly worse than the incumbent or
   * clearly outside a constraint; keeps that partial measurement and objective value, and the
   * reason says what was clear. Never the best trial.
   */
  PRUNED,
  /** The configuration could not be applied or measured; the reason says why. */
  FAILED,
  /** Interrupted by a stop or a crash of the service before it finished. */
  ABORTED;

  public boolean isFinal() {
    return this != RUNNING;
  }

  /** Whether the trial produced a measurement (a partial one when {@link #PRUNED}). */
  public boolean measured() {
    return this == COMPLETED || this == INFEASIBLE || this == PRUNED;
  }
}
