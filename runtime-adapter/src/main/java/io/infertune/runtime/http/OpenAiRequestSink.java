package io.infertune.runtime.http;

import io.infertune.runtime.http.LaunchProfile.ApiKind;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The load's way into an OpenAI-compatible server: one non-streaming HTTP request per {@link
 * InferenceRequest}, to {@code /v1/embeddings} ({@code input}), {@code /v1/completions} ({@code
 * prompt}, {@code max_tokens}) or {@code /v1/chat/completions} (one user message). A stage
 * completes when the whole response is in, exceptionally on a transport error or a status other
 * than 2xx. Minimal on purpose: the response is not parsed, and the server's own metrics are what
 * is measured; richer clients (streaming, time to first token) live in {@code
 * io.infertune.runtime.openai}.
 *
 * @implNote thread-safe; submissions share the adapter's HTTP client.
 */
final class OpenAiRequestSink implements RequestSink {
  private static final int ERROR_BODY_CHARS = 200;

  private final HttpClient client;
  private final URI endpoint;
  private final ApiKind kind;
  private final String model;
  private final int defaultMaxTokens;
  private final Duration timeout;

  OpenAiRequestSink(
      HttpClient client,
      URI endpoint,
      ApiKind kind,
      String model,
      int defaultMaxTokens,
      Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.model = Objects.requireNonNull(model, "model");
    this.defaultMaxTokens = defaultMaxTokens;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public CompletionStage<?> submit(InferenceRequest request) {
    HttpRequest http =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(request), StandardCharsets.UTF_8))
            .build();
    CompletableFuture<HttpResponse<String>> sent =
        client.sendAsync(http, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return sent.thenApply(
        r -> {
          if (r.statusCode() / 100 != 2) {
            throw new CompletionException(
                new IOException(endpoint + " answered HTTP " + r.statusCode() + excerpt(r.body())));
          }
          return r.body();
        });
  }

  /** The request's JSON body. */
  String body(InferenceRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    int maxTokens = request.maxOutputTokens() > 0 ? request.maxOutputTokens() : defaultMaxTokens;
    switch (kind) {
      case EMBEDDINGS -> body.put("input", request.input());
      case COMPLETIONS -> {
        body.put("prompt", request.input());
        body.put("max_tokens", (long) maxTokens);
      }
      case CHAT -> {
        body.put("messages", List.of(Map.of("role", "user", "content", request.input())));
        body.put("max_tokens", (long) maxTokens);
      }
    }
    return JsonTree.write(body);
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
}
