package io.infertune.runtime.triton;

import java.io.IOException;

/**
 * A call to Triton's HTTP/REST API that did not succeed: Triton answered with an error status (its
 * body {@code {"error": "..."}} is the message, as every extension of the protocol specifies), or
 * no answer came (connection refused, timeout; {@link #status()} is then 0).
 */
public final class TritonException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final boolean timedOut;

  TritonException(int status, String message) {
    super(message);
    this.status = status;
    this.timedOut = false;
  }

  TritonException(String message, boolean timedOut, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.timedOut = timedOut;
  }

  /** The HTTP status Triton answered, or 0 when no answer came. */
  public int status() {
    return status;
  }

  /** Whether the call ran out of time. */
  public boolean timedOut() {
    return timedOut;
  }

  /** Whether Triton could not be reached at all (no HTTP status). */
  public boolean unreachable() {
    return status == 0;
  }
}
