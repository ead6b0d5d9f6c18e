package io.infertune.tuner.access;

import java.time.Instant;
import java.util.Objects;

/**
 * One mutating call to the API, as the audit log keeps it.
 *
 * @param actor the name of the token that made the call, or {@value #ANONYMOUS} when it presented
 *     none that was valid
 * @param method the HTTP method, e.g. {@code POST}
 * @param path the request path, without the query string (at most {@value #MAX_PATH_CHARS} chars)
 * @param status the HTTP status of the answer, refusals (4xx) included
 * @param remoteAddress the client's address as the server saw it (no proxy headers are trusted)
 */
public record AuditEntry(
    Instant at, String actor, String method, String path, int status, String remoteAddress) {
  /** Who made a call that presented no valid token. */
  public static final String ANONYMOUS = "anonymous";

  /** The longest path kept; longer ones are cut by {@link #truncatePath}. */
  public static final int MAX_PATH_CHARS = 2000;

  /** The longest actor, method and address kept. */
  public static final int MAX_SHORT_CHARS = 64;

  public AuditEntry {
    Objects.requireNonNull(at, "at");
    requireShort("actor", actor);
    requireShort("method", method);
    requireShort("remoteAddress", remoteAddress);
    Objects.requireNonNull(path, "path");
    if (path.length() > MAX_PATH_CHARS) {
      throw new IllegalArgumentException("path must be at most " + MAX_PATH_CHARS + " chars");
    }
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status, got " + status);
    }
  }

  /** {@code path}, cut to {@value #MAX_PATH_CHARS} chars. */
  public static String truncatePath(String path) {
    return path.length() <= MAX_PATH_CHARS ? path : path.substring(0, MAX_PATH_CHARS);
  }

  private static void requireShort(String what, String s) {
    Objects.requireNonNull(s, what);
    if (s.isEmpty() || s.length() > MAX_SHORT_CHARS) {
      throw new IllegalArgumentException(what + " must be 1-" + MAX_SHORT_CHARS + " chars");
    }
  }
}
