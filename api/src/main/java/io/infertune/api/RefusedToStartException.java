package io.infertune.api;

/**
 * The service will not start as configured, for a reason the operator can fix (the message says
 * how): for example, listening beyond the loopback interface without any API token.
 */
public final class RefusedToStartException extends RuntimeException {
  public RefusedToStartException(String message) {
    super(message);
  }
}
