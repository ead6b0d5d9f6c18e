package io.infertune.runtime.openai;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What one request saw, measured on the client: its outcome, and for streamed generations the time
 * to the first token and the gaps between the next ones. Times are {@link
 * io.infertune.tuner.measure.Ticker#nanos()} differences, in nanoseconds, from just before the
 * request was handed to the HTTP client.
 *
 * @param status the outcome
 * @param httpStatus the response's status code; 0 when no response arrived
 * @param latencyNanos until the response was complete ({@code data: [DONE]} for a stream), or until
 *     the failure was known
 * @param timeToFirstTokenNanos until the first event that carried generated text (streams only; the
 *     chat role announcement with empty content does not count)
 * @param interTokenNanos the gaps between successive events that carried text, one fewer than such
 *     events; an event carrying several tokens counts once, as vLLM's benchmark counts it
 * @param outputTokens {@code usage.completion_tokens} when the server reported it, otherwise the
 *     number of events that carried text
 * @param outputTokensReported whether {@code outputTokens} came from the server's {@code usage}
 * @param promptTokens {@code usage.prompt_tokens}, when the server reported it
 * @param text the generated text (empty for embeddings)
 * @param embeddings how many vectors an embeddings response held
 * @param error why the request failed: the server's message, or the transport's
 */
public record OpenAiResult(
    Status status,
    int httpStatus,
    long latencyNanos,
    OptionalLong timeToFirstTokenNanos,
    long[] interTokenNanos,
    int outputTokens,
    boolean outputTokensReported,
    OptionalInt promptTokens,
    String text,
    int embeddings,
    Optional<String> error) {

  /** How a request ended. */
  public enum Status {
    /** A complete, well-formed answer. */
    OK,
    /** The server answered with a status other than 2xx (the body's message is the error). */
    HTTP_ERROR,
    /** The server answered 2xx but reported an error: an error event or object in the body. */
    SERVER_ERROR,
    /** The answer could not be understood: not JSON, or a stream cut short before its end. */
    MALFORMED,
    /** No complete answer within the request timeout (connecting included). */
    TIMEOUT,
    /** No connection: refused, unreachable, unknown host. */
    CONNECT_FAILED,
    /** The connection broke during the exchange (reset, closed mid-body). */
    TRANSPORT_FAILED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public OpenAiResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(timeToFirstTokenNanos, "timeToFirstTokenNanos");
    Objects.requireNonNull(promptTokens, "promptTokens");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(error, "error");
    interTokenNanos = interTokenNanos.clone();
    if (status == Status.OK && error.isPresent()) {
      throw new IllegalArgumentException("a successful result has no error");
    }
    if (status != Status.OK && error.isEmpty()) {
      throw new IllegalArgumentException("a failed result says why");
    }
  }

  /** A failure before or without any usable answer. */
  static OpenAiResult failure(Status status, int httpStatus, long latencyNanos, String error) {
    return new OpenAiResult(
        status,
        httpStatus,
        latencyNanos,
        OptionalLong.empty(),
        new long[0],
        0,
        false,
        OptionalInt.empty(),
        "",
        0,
        Optional.of(error));
  }

  public boolean ok() {
    return status == Status.OK;
  }

  public Duration latency() {
    return Duration.ofNanos(latencyNanos);
  }

  /** A copy: the record's array is not shared. */
  @Override
  public long[] interTokenNanos() {
    return interTokenNanos.clone();
  }

  /** A short description for logs and exception messages. */
  @Override
  public String toString() {
    return status
        + (httpStatus > 0 ? " (HTTP " + httpStatus + ")" : "")
        + error.map(e -> ": " + e).orElse("")
        + " after "
        + latencyNanos / 1_000_000
        + " ms"
        + (ok() ? ", " + outputTokens + " output tokens" : "");
  }
}
