package io.infertune.api.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * The service's REST API over the JDK's HTTP client, for the CLI: JSON in and out, the token as
 * {@code Authorization: Bearer}, and every way a request can go wrong as a {@link ServiceException}
 * that carries the exit code.
 *
 * @implNote thread-safe (the JDK client is).
 */
final class ServiceClient {
  /** How long to wait for a connection to the service. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** How long to wait for an answer: a campaign start applies nothing, so this is generous. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final ObjectMapper mapper;
  private final HttpClient http;
  private final URI base;
  private final Optional<String> token;

  ServiceClient(ObjectMapper mapper, URI base, Optional<String> token) {
    this.mapper = mapper;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.token = token.filter(t -> !t.isBlank());
  }

  URI base() {
    return base;
  }

  JsonNode get(String path) throws ServiceException, InterruptedException {
    return send("GET", path, HttpRequest.BodyPublishers.noBody());
  }

  JsonNode post(String path, JsonNode body) throws ServiceException, InterruptedException {
    return send(
        "POST",
        path,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString()));
  }

  JsonNode delete(String path) throws ServiceException, InterruptedException {
    return send("DELETE", path, HttpRequest.BodyPublishers.noBody());
  }

  private JsonNode send(String method, String path, HttpRequest.BodyPublisher body)
      throws ServiceException, InterruptedException {
    URI uri = URI.create(base + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .method(method, body);
    token.ifPresent(t -> request.header("authorization", "Bearer " + t));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw ServiceException.unreachable(
          "cannot connect to "
              + base
              + " ("
              + (e.getMessage() != null ? e.getMessage() : "connection refused")
              + "); is the service running?",
          e);
    } catch (HttpTimeoutException e) {
      throw ServiceException.unreachable(
          method + " " + uri + " timed out (" + describe(e) + ")", e);
    } catch (IOException e) {
      throw ServiceException.unreachable(method + " " + uri + " failed: " + describe(e), e);
    }
    int status = response.statusCode();
    JsonNode json = parse(response.body());
    if (status >= 400) {
      String message =
          json.path("error").isTextual()
              ? json.get("error").asText()
              : response.body().isBlank() ? "(no message)" : response.body().strip();
      Optional<String> field =
          json.path("field").isTextual()
              ? Optional.of(json.get("field").asText())
              : Optional.empty();
      if (status < 500) {
        throw ServiceException.refused(status, message, field);
      }
      throw ServiceException.failed(status, message);
    }
    return json;
  }

  private JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return mapper.readTree(body);
    } catch (JacksonException e) {
      return MissingNode.getInstance();
    }
  }

  /** The exception's message, or its class when it has none (a refused connection often). */
  private static String describe(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
