package io.infertune.runtime.prometheus;

import io.infertune.tuner.measure.MetricSourceException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches and parses one Prometheus {@code /metrics} page per call, asking for the text format
 * 0.0.4 ({@code Accept: text/plain;version=0.0.4}, as Prometheus does when it cannot take protobuf
 * or OpenMetrics).
 *
 * <p>Every failure becomes a {@link MetricSourceException} that says what went wrong and where:
 * connection refused, an HTTP status other than 200, a scrape slower than the timeout (connection,
 * headers and body together), a malformed page (with its line number).
 *
 * @implNote thread-safe: calls may overlap and share one HTTP client.
 */
public final class PrometheusScraper implements AutoCloseable {
  static final String ACCEPT = "text/plain;version=0.0.4";

  /** How much of an error response's body goes into the exception's message. */
  private static final int ERROR_BODY_CHARS = 200;

  private final URI url;
  private final Duration timeout;
  private final HttpClient client;

  /**
   * @param url the page, e.g. {@code http://127.0.0.1:8000/metrics}
   * @param timeout the most a whole scrape may take
   */
  public PrometheusScraper(URI url, Duration timeout) {
    this.url = Objects.requireNonNull(url, "url");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("metrics URL must be http or https: " + url);
    }
    if (!timeout.isPositive()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  public URI url() {
    return url;
  }

  /**
   * The page's families.
   *
   * @throws MetricSourceException when the page cannot be fetched in time or is malformed
   */
  public List<MetricFamily> scrape() throws MetricSourceException {
    String page = fetch();
    try {
      return PrometheusTextParser.parse(page);
    } catch (PrometheusParseException e) {
      throw new MetricSourceException(url + " is not a valid metrics page: " + e.getMessage(), e);
    }
  }

  /** The page's text. */
  String fetch() throws MetricSourceException {
    HttpRequest request =
        HttpRequest.newBuilder(url).timeout(timeout).header("Accept", ACCEPT).GET().build();
    // HttpRequest.timeout bounds the wait for the response headers only; a server that sends
    // headers and then stalls the body is bounded by the future's get(timeout).
    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    HttpResponse<String> response;
    try {
      response = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new MetricSourceException("scrape of " + url + " timed out after " + timeout, e);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new MetricSourceException("scrape of " + url + " was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof java.net.http.HttpTimeoutException) {
        throw new MetricSourceException("scrape of " + url + " timed out after " + timeout, cause);
      }
      throw new MetricSourceException("scrape of " + url + " failed: " + describe(cause), cause);
    }
    if (response.statusCode() != 200) {
      throw new MetricSourceException(
          "scrape of "
              + url
              + " answered HTTP "
              + response.statusCode()
              + excerpt(response.body()));
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (type.toLowerCase(Locale.ROOT).startsWith("application/vnd.google.protobuf")) {
      throw new MetricSourceException(
          "scrape of " + url + " answered " + type + " although asked for " + ACCEPT);
    }
    return response.body();
  }

  private static String describe(Throwable t) {
    // ConnectException's message is often null; its class name then says it.
    String message = t.getMessage();
    String kind = t.getClass().getSimpleName();
    if (t instanceof java.net.ConnectException) {
      return "connection refused" + (message == null ? "" : " (" + message + ")");
    }
    if (t instanceof IOException && message != null) {
      return kind + ": " + message;
    }
    return message == null ? kind : kind + ": " + message;
  }

  private static String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return ": "
        + (oneLine.length() > ERROR_BODY_CHARS
            ? oneLine.substring(0, ERROR_BODY_CHARS) + "..."
            : oneLine);
  }

  @Override
  public void close() {
    // Not close(): that waits for exchanges in flight, and a stalled server would hold it.
    client.shutdownNow();
  }

  @Override
  public String toString() {
    return "PrometheusScraper[" + url + ", timeout " + timeout + "]";
  }
}
