package io.infertune.tuner.trial;

/** Where a trial stands. Every status but {@link #RUNNING} is final. */
public enum TrialStatus {
  /** Applied and being measured. */
  RUNNING,
  /** Measured, and every constraint held. */
  COMPLETED,
  /** Measured, but a constraint was violated; the reason names it. */
  INFEASIBLE,
  /** The configuration could not be applied or measured; the reason says why. */
  FAILED,
  /** Interrupted by a stop or a crash of the service before it finished. */
  ABORTED;

  public boolean isFinal() {
    return this != RUNNING;
  }

  /** Whether the trial produced a measurement. */
  public boolean measured() {
    return this == COMPLETED || this == INFEASIBLE;
  }
}
