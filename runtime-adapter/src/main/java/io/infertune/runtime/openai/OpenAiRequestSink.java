package io.infertune.runtime.openai;

import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends a workload's requests to an OpenAI-compatible endpoint and records what each saw in {@link
 * ClientMetrics}. A request's stage completes with its {@link OpenAiResult} when it succeeded, and
 * exceptionally with an {@link OpenAiRequestException} when it did not (so that a workload counts
 * it as failed); either way the load goes on.
 *
 * <p>Generative endpoints ask for the request's {@link InferenceRequest#maxOutputTokens()}, or for
 * the sink's default when the request asks for none (a workload made for embeddings).
 *
 * @implNote thread-safe.
 */
public final class OpenAiRequestSink implements RequestSink {
  private final OpenAiClient client;
  private final ApiKind api;
  private final String model;
  private final boolean stream;
  private final int defaultMaxTokens;
  private final ClientMetrics metrics;

  private OpenAiRequestSink(Builder b) {
    this.client = b.client;
    this.api = b.api;
    this.model = b.model;
    this.stream = b.stream && b.api.generative();
    this.defaultMaxTokens = b.defaultMaxTokens;
    this.metrics = b.metrics.orElseGet(() -> new ClientMetrics(Ticker.system()));
  }

  /**
   * A builder for {@code model} behind {@code api} on the server {@code client} speaks to;
   * generative endpoints stream by default.
   */
  public static Builder builder(OpenAiClient client, ApiKind api, String model) {
    return new Builder(client, api, model);
  }

  /** Where the client-side measurements go. */
  public ClientMetrics metrics() {
    return metrics;
  }

  public ApiKind api() {
    return api;
  }

  public boolean streaming() {
    return stream;
  }

  @Override
  public CompletionStage<OpenAiResult> submit(InferenceRequest request) {
    int maxTokens = request.maxOutputTokens() > 0 ? request.maxOutputTokens() : defaultMaxTokens;
    OpenAiRequest r = new OpenAiRequest(api, model, request.input(), maxTokens, stream);
    return client
        .send(r)
        .thenCompose(
            result -> {
              metrics.record(result);
              return result.ok()
                  ? CompletableFuture.completedFuture(result)
                  : CompletableFuture.failedFuture(new OpenAiRequestException(result));
            });
  }

  /** Builds an {@link OpenAiRequestSink}. */
  public static final class Builder {
    private final OpenAiClient client;
    private final ApiKind api;
    private final String model;
    private boolean stream = true;
    private int defaultMaxTokens = 128;
    private Optional<ClientMetrics> metrics = Optional.empty();

    private Builder(OpenAiClient client, ApiKind api, String model) {
      this.client = Objects.requireNonNull(client, "client");
      this.api = Objects.requireNonNull(api, "api");
      this.model = Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
    }

    /** Whether generations are streamed (default true; needed for TTFT and ITL). */
    public Builder streaming(boolean stream) {
      this.stream = stream;
      return this;
    }

    /** {@code max_tokens} for requests that ask for no output length (default 128). */
    public Builder defaultMaxTokens(int tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("defaultMaxTokens must be >= 1, got " + tokens);
      }
      this.defaultMaxTokens = tokens;
      return this;
    }

    /** Where to record (default: new metrics on the system ticker). */
    public Builder metrics(ClientMetrics metrics) {
      this.metrics = Optional.of(metrics);
      return this;
    }

    public OpenAiRequestSink build() {
      return new OpenAiRequestSink(this);
    }
  }
}
