package io.infertune.api.cli;

import java.util.Optional;

/**
 * A request the service did not do: refused (4xx, with its message and the field at fault) or
 * unavailable (no connection, a timeout, a 5xx).
 */
final class ServiceException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final Optional<Integer> status;
  private final Optional<String> field;

  private ServiceException(
      String message,
      int exitCode,
      Optional<Integer> status,
      Optional<String> field,
      Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.status = status;
    this.field = field;
  }

  /** The service answered {@code status} (4xx) with {@code message} about {@code field}. */
  static ServiceException refused(int status, String message, Optional<String> field) {
    return new ServiceException(message, ExitCodes.REFUSED, Optional.of(status), field, null);
  }

  /** The service answered {@code status} (5xx). */
  static ServiceException failed(int status, String message) {
    return new ServiceException(
        message, ExitCodes.UNAVAILABLE, Optional.of(status), Optional.empty(), null);
  }

  /** No answer came: no connection, or a timeout. */
  static ServiceException unreachable(String message, Throwable cause) {
    return new ServiceException(
        message, ExitCodes.UNAVAILABLE, Optional.empty(), Optional.empty(), cause);
  }

  int exitCode() {
    return exitCode;
  }

  Optional<Integer> status() {
    return status;
  }

  Optional<String> field() {
    return field;
  }

  /** One line for stderr: {@code HTTP 400: message (field: budget.maxTrials)}. */
  String describe() {
    StringBuilder s = new StringBuilder();
    status.ifPresent(code -> s.append("HTTP ").append(code).append(": "));
    s.append(getMessage());
    field.ifPresent(f -> s.append(" (field: ").append(f).append(')'));
    return s.toString();
  }
}
