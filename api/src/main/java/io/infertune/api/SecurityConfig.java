package io.infertune.api;

/**
 * How the service guards its API (see {@link ApiSecurity}).
 *
 * @param metricsAuth whether {@code /metrics} needs a token (a viewer's) whenever the API does;
 *     when false it stays open for Prometheus
 * @param requestsPerSecond the sustained rate of API requests each caller (a token, or a client
 *     address without one) is allowed; 0 turns rate limiting off
 * @param burst how many requests a caller may make at once before the rate applies; at least 1
 */
public record SecurityConfig(boolean metricsAuth, double requestsPerSecond, int burst) {
  /** What {@code infertune serve} uses unless told otherwise: 100 requests/s, bursts of 200. */
  public static final SecurityConfig SERVE_DEFAULTS = new SecurityConfig(false, 100, 200);

  /** No rate limit and an open {@code /metrics}: for a service embedded in tests and tools. */
  public static final SecurityConfig UNLIMITED = new SecurityConfig(false, 0, 1);

  public SecurityConfig {
    if (!(requestsPerSecond >= 0) || !Double.isFinite(requestsPerSecond)) {
      throw new IllegalArgumentException(
          "requestsPerSecond must be finite and >= 0 (0: no limit), got " + requestsPerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, got " + burst);
    }
  }

  /** Whether requests are rate-limited at all. */
  public boolean rateLimited() {
    return requestsPerSecond > 0;
  }
}
