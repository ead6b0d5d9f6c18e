package io.infertune.runtime.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.infertune.runtime.openai.OpenAiResult.Status;
import io.infertune.tuner.measure.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * A client of OpenAI-compatible servers (vLLM, llama.cpp's server, TGI, SGLang, OpenAI itself) for
 * load generation: embeddings, completions and chat completions, streamed (server-sent events) or
 * not, timed on the client.
 *
 * <p>Every request's future completes normally with an {@link OpenAiResult}, failures included:
 * HTTP errors, error events, malformed bodies, timeouts, refused and broken connections are
 * outcomes of a load test, not exceptions; only a bug completes it exceptionally.
 *
 * <p>Streams are read as they arrive (the JDK client's line subscriber): the first event with text
 * gives the time to first token, later ones the inter-token gaps; {@code data: [DONE]} completes
 * the result at once (the connection is still drained, so it can be reused). Streaming requests ask
 * for {@code stream_options.include_usage}, so that the output token count is the server's, not a
 * count of events.
 *
 * <p>The timeout covers the whole exchange, body included: the JDK's {@link
 * HttpRequest.Builder#timeout} stops at the response headers, and a stalled stream would otherwise
 * hang a closed-loop client forever.
 *
 * @implNote thread-safe; asynchronous throughout (no thread waits per request). Closing stops the
 *     timeout timer and, when the client made its own, the HTTP client.
 */
public final class OpenAiClient implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  private final URI baseUrl;
  private final HttpClient http;
  private final boolean ownsHttp;
  private final Ticker ticker;
  private final Duration timeout;
  private final Optional<String> apiKey;
  private final boolean includeUsage;
  private final boolean ignoreEos;
  private final Map<ApiKind, String> paths;
  private final ScheduledExecutorService timer;

  private OpenAiClient(Builder b) {
    String root = b.baseUrl.toString();
    this.baseUrl = URI.create(root.endsWith("/") ? root.substring(0, root.length() - 1) : root);
    this.ownsHttp = b.http.isEmpty();
    this.http =
        b.http.orElseGet(
            () ->
                HttpClient.newBuilder()
                    // vLLM and its peers speak HTTP/1.1 only: no h2c upgrade attempt per request.
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(b.timeout)
                    .build());
    this.ticker = b.ticker;
    this.timeout = b.timeout;
    this.apiKey = b.apiKey;
    this.includeUsage = b.includeUsage;
    this.ignoreEos = b.ignoreEos;
    this.paths = Map.copyOf(b.paths);
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("infertune-openai-timeout").factory());
    // Most requests finish long before their timeout: drop their timers at once, not at expiry.
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  /** A builder for a server at {@code baseUrl} (the root: {@code http://host:8000}). */
  public static Builder builder(URI baseUrl) {
    return new Builder(baseUrl);
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** Sends {@code request}; the future completes with its result, failures included. */
  public CompletableFuture<OpenAiResult> send(OpenAiRequest request) {
    Objects.requireNonNull(request, "request");
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(baseUrl + paths.getOrDefault(request.api(), request.api().path())))
            .header("Content-Type", "application/json")
            .header("Accept", request.stream() ? "text/event-stream" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)));
    apiKey.ifPresent(k -> b.header("Authorization", "Bearer " + k));
    Exchange x = new Exchange(request, ticker.nanos());
    CompletableFuture<HttpResponse<OpenAiResult>> sent = http.sendAsync(b.build(), x::subscriber);
    x.sent(sent);
    sent.whenComplete(
        (response, failure) -> {
          if (failure == null) {
            x.complete(response.body());
          } else {
            x.fail(failure);
          }
        });
    ScheduledFuture<?> expiry =
        timer.schedule(
            () -> {
              if (x.complete(
                  x.failure(
                      Status.TIMEOUT, "no complete answer within " + timeout.toMillis() + " ms"))) {
                x.abort();
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    x.result.whenComplete((r, e) -> expiry.cancel(false));
    return x.result.copy();
  }

  /**
   * Stops the timeout timer and, if this client made it, the HTTP client: requests still in flight
   * are aborted (their results say {@link Status#TRANSPORT_FAILED}), not awaited, since a
   * generation may run for minutes.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    if (ownsHttp) {
      http.shutdownNow();
    }
  }

  private byte[] body(OpenAiRequest r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(r.input().length() + 128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", r.model());
      switch (r.api()) {
        case EMBEDDINGS -> g.writeStringField("input", r.input());
        case COMPLETIONS -> g.writeStringField("prompt", r.input());
        case CHAT -> {
          g.writeArrayFieldStart("messages");
          g.writeStartObject();
          g.writeStringField("role", "user");
          g.writeStringField("content", r.input());
          g.writeEndObject();
          g.writeEndArray();
        }
      }
      if (r.api().generative()) {
        // max_tokens, not max_completion_tokens: every compatible server reads it.
        g.writeNumberField("max_tokens", r.maxTokens());
        if (ignoreEos) {
          g.writeBooleanField("ignore_eos", true);
        }
        g.writeBooleanField("stream", r.stream());
        if (r.stream() && includeUsage) {
          g.writeObjectFieldStart("stream_options");
          g.writeBooleanField("include_usage", true);
          g.writeEndObject();
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** One request's state, from sending to its result. */
  private final class Exchange {
    final OpenAiRequest request;
    final long start;
    final CompletableFuture<OpenAiResult> result = new CompletableFuture<>();
    private volatile CompletableFuture<?> exchange;
    private volatile Flow.Subscription stream;
    private volatile boolean aborted;

    Exchange(OpenAiRequest request, long start) {
      this.request = request;
      this.start = start;
    }

    /** Picks how to read the body once the status is known. */
    BodySubscriber<OpenAiResult> subscriber(ResponseInfo info) {
      int status = info.statusCode();
      if (status < 200 || status > 299) {
        return BodySubscribers.mapping(
            BodySubscribers.ofString(StandardCharsets.UTF_8),
            body -> failure(Status.HTTP_ERROR, status, ResponseBodies.httpError(status, body)));
      }
      if (request.stream()) {
        EventStream events = new EventStream(this, status);
        return BodySubscribers.fromLineSubscriber(
            events, EventStream::end, StandardCharsets.UTF_8, null);
      }
      return BodySubscribers.mapping(BodySubscribers.ofByteArray(), body -> whole(status, body));
    }

    /** A whole (not streamed) answer. */
    private OpenAiResult whole(int status, byte[] body) {
      long latency = ticker.nanos() - start;
      try {
        if (request.api() == ApiKind.EMBEDDINGS) {
          ResponseBodies.Embeddings e = ResponseBodies.embeddings(body);
          if (e.error().isPresent()) {
            return failure(Status.SERVER_ERROR, status, e.error().get());
          }
          if (e.vectors() == 0) {
            return failure(Status.MALFORMED, status, "the response has no embeddings");
          }
          return new OpenAiResult(
              Status.OK,
              status,
              latency,
              OptionalLong.empty(),
              new long[0],
              0,
              false,
              e.promptTokens(),
              "",
              e.vectors(),
              Optional.empty());
        }
        ResponseBodies.Generation g =
            ResponseBodies.generation(new String(body, StandardCharsets.UTF_8));
        if (g.error().isPresent()) {
          return failure(Status.SERVER_ERROR, status, g.error().get());
        }
        return new OpenAiResult(
            Status.OK,
            status,
            latency,
            OptionalLong.empty(),
            new long[0],
            g.completionTokens().orElse(0),
            g.completionTokens().isPresent(),
            g.promptTokens(),
            g.text(),
            0,
            Optional.empty());
      } catch (IOException e) {
        return failure(Status.MALFORMED, status, "the response is not JSON: " + e.getMessage());
      }
    }

    boolean complete(OpenAiResult r) {
      return result.complete(r);
    }

    /** Maps what the HTTP client threw to an outcome; a bug completes exceptionally. */
    void fail(Throwable t) {
      Throwable cause = t;
      while ((cause instanceof CompletionException || cause instanceof ExecutionException)
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      String why =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      if (cause instanceof HttpTimeoutException) {
        complete(failure(Status.TIMEOUT, why));
      } else if (cause instanceof ConnectException
          || cause instanceof UnknownHostException
          || cause instanceof UnresolvedAddressException) {
        complete(failure(Status.CONNECT_FAILED, why));
      } else if (cause instanceof IOException) {
        complete(failure(Status.TRANSPORT_FAILED, why));
      } else if (cause instanceof CancellationException && result.isDone()) {
        // Our own abort after a timeout or a malformed stream: the result is in already.
      } else {
        result.completeExceptionally(cause);
      }
    }

    OpenAiResult failure(Status status, String why) {
      return failure(status, 0, why);
    }

    OpenAiResult failure(Status status, int httpStatus, String why) {
      return OpenAiResult.failure(status, httpStatus, ticker.nanos() - start, why);
    }

    void sent(CompletableFuture<?> future) {
      exchange = future;
      if (aborted) {
        future.cancel(true);
      }
    }

    void subscribed(Flow.Subscription s) {
      stream = s;
      if (aborted) {
        s.cancel();
      }
    }

    /**
     * Ends the exchange once its result is known (a timeout, a stream that cannot be trusted any
     * more): cancelling the HTTP client's future aborts the exchange and closes its connection
     * (merely cancelling the body's subscription would leave the exchange pending in the client
     * until it is closed), and the subscription stops delivering lines at once.
     */
    void abort() {
      aborted = true;
      CompletableFuture<?> f = exchange;
      if (f != null) {
        f.cancel(true);
      }
      Flow.Subscription s = stream;
      if (s != null) {
        s.cancel();
      }
    }
  }

  /**
   * Reads a stream of chunks: server-sent events, one JSON chunk per event, ending with {@code
   * data: [DONE]}.
   *
   * @implNote the HTTP client calls a subscriber's methods one at a time (Reactive Streams' rule
   *     1.3), so the state needs no lock; the result future publishes it.
   */
  private final class EventStream implements Flow.Subscriber<String> {
    private final Exchange x;
    private final int status;
    private final SseDecoder decoder = new SseDecoder(this::event);
    private final StringBuilder text = new StringBuilder();
    private final LongStream.Builder gaps = LongStream.builder();
    private long firstToken = -1;
    private long lastToken;
    private int tokenEvents;
    private boolean finished;
    private OptionalInt promptTokens = OptionalInt.empty();
    private OptionalInt completionTokens = OptionalInt.empty();

    EventStream(Exchange x, int status) {
      this.x = x;
      this.status = status;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      x.subscribed(s);
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (!x.result.isDone()) {
        decoder.line(line);
      }
    }

    @Override
    public void onError(Throwable t) {
      x.fail(t);
    }

    @Override
    public void onComplete() {
      if (!x.result.isDone()) {
        decoder.end();
      }
      if (!x.result.isDone()) {
        // vLLM, OpenAI, TGI and llama.cpp end with [DONE]; a stream whose choices all finished
        // is complete even without it. Anything else was cut short.
        x.complete(
            finished
                ? ok()
                : x.failure(
                    Status.MALFORMED,
                    status,
                    "the stream ended before data: [DONE] (" + tokenEvents + " token events)"));
      }
    }

    /** The body of the response: the result, complete by the time the stream ends. */
    OpenAiResult end() {
      return x.result.getNow(
          x.failure(Status.MALFORMED, status, "the stream ended without a result"));
    }

    private void event(String type, String data) {
      if (x.result.isDone()) {
        return;
      }
      if (type.equals("error")) {
        x.complete(
            x.failure(
                Status.SERVER_ERROR,
                status,
                ResponseBodies.errorMessage(data)
                    .orElse(ResponseBodies.shorten(data.isBlank() ? "error event" : data))));
        return;
      }
      if (data.strip().equals("[DONE]")) {
        x.complete(ok());
        return;
      }
      long now = ticker.nanos();
      ResponseBodies.Generation g;
      try {
        g = ResponseBodies.generation(data);
      } catch (IOException e) {
        x.complete(
            x.failure(
                Status.MALFORMED,
                status,
                "an event is not JSON: " + ResponseBodies.shorten(data.strip())));
        x.abort();
        return;
      }
      if (g.error().isPresent()) {
        x.complete(x.failure(Status.SERVER_ERROR, status, g.error().get()));
        return;
      }
      if (g.carriesText()) {
        if (firstToken < 0) {
          firstToken = now;
        } else {
          gaps.add(now - lastToken);
        }
        lastToken = now;
        tokenEvents++;
        text.append(g.text());
      }
      finished |= g.finished();
      if (g.promptTokens().isPresent()) {
        promptTokens = g.promptTokens();
      }
      if (g.completionTokens().isPresent()) {
        completionTokens = g.completionTokens();
      }
    }

    private OpenAiResult ok() {
      return new OpenAiResult(
          Status.OK,
          status,
          ticker.nanos() - x.start,
          firstToken < 0 ? OptionalLong.empty() : OptionalLong.of(firstToken - x.start),
          gaps.build().toArray(),
          completionTokens.orElse(tokenEvents),
          completionTokens.isPresent(),
          promptTokens,
          text.toString(),
          0,
          Optional.empty());
    }
  }

  /** Builds an {@link OpenAiClient}; every setting but the base URL has a default. */
  public static final class Builder {
    private final URI baseUrl;
    private Optional<HttpClient> http = Optional.empty();
    private Ticker ticker = Ticker.system();
    private Duration timeout = Duration.ofMinutes(5);
    private Optional<String> apiKey = Optional.empty();
    private boolean includeUsage = true;
    private boolean ignoreEos;
    private final Map<ApiKind, String> paths = new EnumMap<>(ApiKind.class);

    private Builder(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
        throw new IllegalArgumentException("baseUrl must be http or https, got " + baseUrl);
      }
      this.baseUrl = baseUrl;
    }

    /** The HTTP client to share (default: one of its own, HTTP/1.1, closed with this client). */
    public Builder httpClient(HttpClient client) {
      this.http = Optional.of(client);
      return this;
    }

    /** The clock requests are timed with (default {@link Ticker#system()}). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * The most a request may take, connecting and the whole body included (default 5 minutes: a
     * long generation on a loaded server takes minutes).
     */
    public Builder timeout(Duration timeout) {
      if (!timeout.isPositive()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Sent as {@code Authorization: Bearer ...} (default: none, as local servers expect). */
    public Builder apiKey(String key) {
      this.apiKey = Optional.of(key);
      return this;
    }

    /**
     * Whether streams ask for {@code stream_options: {"include_usage": true}} (default true); turn
     * it off for a server that rejects the field, and output tokens are counted as events.
     */
    public Builder includeUsage(boolean include) {
      this.includeUsage = include;
      return this;
    }

    /**
     * Whether to send vLLM's {@code ignore_eos: true} (default false), so that every generation
     * runs to {@code max_tokens} and output lengths are the workload's, not the model's. OpenAI
     * itself rejects the field.
     */
    public Builder ignoreEos(boolean ignore) {
      this.ignoreEos = ignore;
      return this;
    }

    /**
     * Where {@code api} is served, below the base URL, when not at its usual path (a server behind
     * a gateway that serves {@code /openai/v1/embeddings}, say).
     */
    public Builder path(ApiKind api, String path) {
      Objects.requireNonNull(api, "api");
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("a path must start with '/', got '" + path + "'");
      }
      paths.put(api, path);
      return this;
    }

    public OpenAiClient build() {
      return new OpenAiClient(this);
    }
  }
}
