package io.infertune.runtime.http;

import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Why a server did not come up, with the evidence: the class of failure, a one-line summary (the
 * log line that decided it, or the exit code), and the last lines of the server's log.
 *
 * @param exitCode the process's exit code; empty when it was still running (a timeout)
 */
public record StartFailure(Kind kind, String summary, OptionalInt exitCode, List<String> logTail) {

  /** The lines of the log tail an exception message carries. */
  public static final int MESSAGE_LINES = 25;

  /** The classes of failed starts, each with the trial failure reason it becomes. */
  public enum Kind {
    /** The server ran out of (GPU or host) memory, or the kernel killed it for memory. */
    OUT_OF_MEMORY(Reason.OUT_OF_MEMORY),
    /** The server refused its command line: an unknown flag or a value it does not accept. */
    BAD_FLAG(Reason.REJECTED),
    /** The server exited for another reason. */
    CRASH(Reason.CRASH),
    /** The server did not become ready in time. */
    TIMEOUT(Reason.TIMEOUT);

    private final Reason reason;

    Kind(Reason reason) {
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }

  public StartFailure {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(exitCode, "exitCode");
    logTail = List.copyOf(logTail);
  }

  /**
   * The exception a failed apply throws: {@code what} failed, the summary, and the last {@value
   * #MESSAGE_LINES} log lines, which thereby become part of the trial's failure reason.
   */
  public ApplyFailedException toException(String what) {
    return new ApplyFailedException(kind.reason(), what + ": " + summary + tail());
  }

  private String tail() {
    if (logTail.isEmpty()) {
      return "; the log is empty";
    }
    List<String> last =
        logTail.subList(Math.max(0, logTail.size() - MESSAGE_LINES), logTail.size());
    return "; last log lines:\n" + String.join("\n", last);
  }
}
