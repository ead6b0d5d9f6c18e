package io.infertune.runtime.triton;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.infertune.runtime.embedded.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The parts of Triton's HTTP/REST API the adapter uses, over the JDK's HTTP client. The endpoints
 * and their JSON are those of the KServe v2 protocol and Triton's extensions to it
 * (triton-inference-server/server docs/protocol: {@code extension_model_repository.md}, {@code
 * extension_model_configuration.md}; kserve docs/predict-api/v2/required_api.md for health,
 * readiness and inference).
 *
 * @implNote thread-safe: calls may overlap and share one HTTP client.
 */
final class TritonClient implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int ERROR_BODY_CHARS = 300;

  private final URI base;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param base the HTTP endpoint, e.g. {@code http://127.0.0.1:8000}
   * @param timeout the most a call other than a load may take
   */
  TritonClient(URI base, Duration timeout) {
    this.base = Objects.requireNonNull(base, "base");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("Triton's URL must be http or https: " + base);
    }
    if (base.getHost() == null) {
      throw new IllegalArgumentException("Triton's URL has no host: " + base);
    }
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  URI base() {
    return base;
  }

  /**
   * {@code GET v2/health/ready}: 200 means ready, any other status not ready.
   *
   * @throws TritonException when Triton cannot be reached
   */
  boolean serverReady() throws TritonException {
    return send(get("v2/health/ready"), timeout).statusCode() == 200;
  }

  /**
   * {@code GET v2/models/{name}/ready}: 200 means ready; Triton answers 400 for a model that is not
   * (not loaded, loading, or unavailable).
   *
   * @throws TritonException when Triton cannot be reached
   */
  boolean modelReady(String model) throws TritonException {
    return send(get(modelPath(model) + "/ready"), timeout).statusCode() == 200;
  }

  /** One row of the repository index. */
  record IndexEntry(String name, Optional<String> version, String state, String reason) {}

  /**
   * {@code POST v2/repository/index}: every model in the repository, loaded or not. A model never
   * loaded has no state; the state is then reported as empty.
   */
  List<IndexEntry> index() throws TritonException {
    HttpResponse<byte[]> r = ok(send(post("v2/repository/index", "{}"), timeout));
    JsonValue rows = parse(r.body(), "repository index");
    List<IndexEntry> out = new ArrayList<>();
    for (JsonValue row : rows.elements()) {
      String version = row.path("version").asText("");
      out.add(
          new IndexEntry(
              row.path("name").asText(""),
              version.isEmpty() ? Optional.empty() : Optional.of(version),
              row.path("state").asText(""),
              row.path("reason").asText("")));
    }
    return out;
  }

  /** {@code GET v2/models/{name}/config}: the model configuration in force, as JSON. */
  JsonValue config(String model) throws TritonException {
    return parse(ok(send(get(modelPath(model) + "/config"), timeout)).body(), "model config");
  }

  /**
   * {@code POST v2/repository/models/{name}/load}, with {@code {"parameters": {"config": json}}}
   * when a configuration override is given. Triton answers only once the model is loaded or has
   * failed to (TRITONSERVER_ServerLoadModel "does not return until the model is loaded or fails to
   * load"), so the timeout is the load's.
   */
  void load(String model, Optional<String> configJson, Duration loadTimeout)
      throws TritonException {
    String body;
    if (configJson.isPresent()) {
      body =
          write(
              g -> {
                g.writeStartObject();
                g.writeObjectFieldStart("parameters");
                g.writeStringField("config", configJson.get());
                g.writeEndObject();
                g.writeEndObject();
              });
    } else {
      body = "{}";
    }
    ok(send(post("v2/repository/models/" + segment(model) + "/load", body), loadTimeout));
  }

  /**
   * {@code POST v2/models/{name}/infer} without waiting: the future completes with the response
   * body, or exceptionally with a {@link TritonException} (Triton's error message, or why no answer
   * came).
   */
  CompletableFuture<byte[]> infer(String model, byte[] body) {
    HttpRequest request =
        HttpRequest.newBuilder(resolve(modelPath(model) + "/infer"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .handle(
            (r, e) -> {
              if (e != null) {
                throw new CompletionException(unanswered("inference", unwrap(e)));
              }
              if (r.statusCode() != 200) {
                throw new CompletionException(errorOf(r));
              }
              return r.body();
            });
  }

  /** Writes a JSON document with a streaming generator. */
  static String write(JsonWriter writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      // Writing to memory: only a bug in the writer gets here.
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Writes one JSON document. */
  @FunctionalInterface
  interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(resolve(path)).timeout(timeout).GET().build();
  }

  private HttpRequest post(String path, String json) {
    return HttpRequest.newBuilder(resolve(path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
        .build();
  }

  /** {@code v2/models/<name>}. */
  private static String modelPath(String model) {
    return "v2/models/" + segment(model);
  }

  /** The name percent-encoded as one path segment. */
  private static String segment(String model) {
    try {
      // The multi-argument URI constructor quotes what a path may not hold (spaces, '?', '#').
      return new URI(null, null, model, null).getRawPath().replace("/", "%2F");
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("model name '" + model + "' cannot be put in a URL", e);
    }
  }

  private URI resolve(String path) {
    String root = base.toString();
    return URI.create(root.endsWith("/") ? root + path : root + "/" + path);
  }

  private HttpResponse<byte[]> send(HttpRequest request, Duration limit) throws TritonException {
    // HttpRequest.timeout bounds the wait for the headers only; get(limit) bounds the body too.
    CompletableFuture<HttpResponse<byte[]>> pending =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    try {
      return pending.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new TritonException(
          request.method() + " " + request.uri() + " timed out after " + limit, true, e);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new TritonException(
          request.method() + " " + request.uri() + " was interrupted", false, e);
    } catch (ExecutionException e) {
      throw unanswered(request.method() + " " + request.uri(), unwrap(e));
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private TritonException unanswered(String what, Throwable cause) {
    boolean timedOut = cause instanceof HttpTimeoutException || cause instanceof TimeoutException;
    String message =
        timedOut
            ? what + " timed out after " + timeout
            : what
                + " failed: "
                + (cause instanceof java.net.ConnectException
                    ? "connection refused by " + base
                    : cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    return new TritonException(message, timedOut, cause);
  }

  private static HttpResponse<byte[]> ok(HttpResponse<byte[]> r) throws TritonException {
    if (r.statusCode() != 200) {
      throw errorOf(r);
    }
    return r;
  }

  /** Triton's {@code {"error": "..."}}, or an excerpt of whatever else the body holds. */
  private static TritonException errorOf(HttpResponse<byte[]> r) {
    String text = new String(r.body(), StandardCharsets.UTF_8).strip();
    String message = text;
    try {
      JsonValue body = JsonValue.parse(new ByteArrayInputStream(r.body()));
      message = body.path("error").asText(text);
    } catch (IOException | RuntimeException e) {
      // Not JSON: the excerpt below says what came.
    }
    if (message.isEmpty()) {
      message = "HTTP " + r.statusCode() + " without a message";
    } else if (message.length() > ERROR_BODY_CHARS && message.equals(text)) {
      message = message.substring(0, ERROR_BODY_CHARS) + "...";
    }
    return new TritonException(r.statusCode(), message);
  }

  private static JsonValue parse(byte[] body, String what) throws TritonException {
    try {
      return JsonValue.parse(new ByteArrayInputStream(body));
    } catch (IOException | RuntimeException e) {
      throw new TritonException(200, "Triton's " + what + " is not valid JSON: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    // Not close(): that waits for exchanges in flight, and a load in progress would hold it.
    http.shutdownNow();
  }
}
