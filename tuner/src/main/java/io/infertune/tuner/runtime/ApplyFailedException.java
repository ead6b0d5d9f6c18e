package io.infertune.tuner.runtime;

import java.util.Objects;

/** A runtime could not put a configuration into force. */
public class ApplyFailedException extends Exception {
  /** Why an apply failed, so that strategies and operators can tell crashes from bad values. */
  public enum Reason {
    OUT_OF_MEMORY,
    CRASH,
    TIMEOUT,
    REJECTED,
    UNAVAILABLE
  }

  private final Reason reason;

  public ApplyFailedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public ApplyFailedException(Reason reason, String message) {
    this(reason, message, null);
  }

  public Reason reason() {
    return reason;
  }
}
