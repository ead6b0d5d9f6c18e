package io.infertune.api;

import java.util.Optional;

/**
 * A request that cannot be served, with the HTTP status and, for bad input, the field at fault.
 * Rendered as {@code {"error": message, "field": field}}.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final Optional<String> field;

  public ApiException(int status, String message, Optional<String> field) {
    super(message);
    this.status = status;
    this.field = field;
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, message, Optional.ofNullable(field));
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message, Optional.empty());
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message, Optional.empty());
  }

  public int status() {
    return status;
  }

  public Optional<String> field() {
    return field;
  }
}
