package io.infertune.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.runtime.embedded.BertTokenizer;
import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge of {@code infertune runtime}: the embedded runtime behind the OpenAI embeddings API
 * and a Prometheus page, so that it is tuned from outside, like vLLM.
 *
 * <ul>
 *   <li>{@code POST /v1/embeddings}: {@code {"input": string or [string...], "model"?,
 *       "encoding_format"?: "float"|"base64"}} answered {@code {"object": "list", "data":
 *       [{"object": "embedding", "index", "embedding"}], "model", "usage": {"prompt_tokens",
 *       "total_tokens"}}}; a malformed request is a 400 with OpenAI's error shape {@code {"error":
 *       {"message", "type", "param", "code"}}}, an unknown model a 404 ({@code model_not_found});
 *   <li>{@code GET /v1/models}: the one model, with the configuration in force;
 *   <li>{@code GET /health}: 503 until the model is loaded and while stopping, then 200;
 *   <li>{@code GET /metrics}: the registry's page (see {@link RuntimeServer}).
 * </ul>
 *
 * <p>An embeddings request of several inputs is several requests of the runtime's dynamic batcher
 * (and of its metrics); they are answered together. Nothing blocks an event loop: inference
 * completes on the runtime's workers and the answer is written back on the request's context.
 */
final class RuntimeServerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RuntimeServerVerticle.class);

  /** Largest body accepted: OpenAI's limit of 2048 inputs of a few KiB each. */
  static final long MAX_BODY_BYTES = 8 * 1024 * 1024;

  /** The most inputs in one request, as OpenAI allows. */
  static final int MAX_INPUTS = 2048;

  private final String host;
  private final int port;
  private final String modelName;
  private final long created = Instant.now().getEpochSecond();
  private final PrometheusMeterRegistry registry;
  private final ObjectMapper mapper = new ObjectMapper();
  private volatile Optional<Serving> serving = Optional.empty();
  private volatile boolean stopping;
  private HttpServer server;

  /** What answers once the model is loaded. */
  record Serving(EmbeddedRuntime runtime, BertTokenizer tokenizer) {}

  RuntimeServerVerticle(String host, int port, String modelName, PrometheusMeterRegistry registry) {
    this.host = host;
    this.port = port;
    this.modelName = modelName;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    router.get("/health").handler(this::health);
    router.get("/metrics").blockingHandler(this::metrics, false);
    router.get("/v1/models").handler(this::models);
    router.post("/v1/embeddings").handler(this::embeddings);
    router
        .route()
        .last()
        .handler(
            ctx ->
                ctx.fail(
                    new OpenAiError(
                        404,
                        "invalid_request_error",
                        "no route for " + ctx.request().method() + " " + ctx.request().path(),
                        Optional.empty(),
                        Optional.empty())));
    router.route().failureHandler(this::onFailure);
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(port, host);
  }

  int actualPort() {
    return server.actualPort();
  }

  /** Starts answering with {@code s}: the model is loaded. */
  void serve(Serving s) {
    serving = Optional.of(s);
  }

  /**
   * Stops taking new work (health says so), lets requests in flight finish for up to {@code
   * graceSeconds}, and closes the listener.
   */
  Future<Void> shutdown(long graceSeconds) {
    stopping = true;
    return server.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  private void health(RoutingContext ctx) {
    String status = stopping ? "stopping" : serving.isPresent() ? "ok" : "loading";
    json(ctx, status.equals("ok") ? 200 : 503, mapper.createObjectNode().put("status", status));
  }

  private void metrics(RoutingContext ctx) {
    ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape());
  }

  private Serving ready() {
    if (stopping) {
      throw new OpenAiError(
          503, "server_error", "the server is stopping", Optional.empty(), Optional.empty());
    }
    return serving.orElseThrow(
        () ->
            new OpenAiError(
                503, "server_error", "the model is loading", Optional.empty(), Optional.empty()));
  }

  private void models(RoutingContext ctx) {
    Serving s = ready();
    ObjectNode model = mapper.createObjectNode();
    model.put("id", modelName);
    model.put("object", "model");
    model.put("created", created);
    model.put("owned_by", "infertune");
    ObjectNode config = model.putObject("configuration");
    s.runtime()
        .current()
        .values()
        .forEach(
            (k, v) -> {
              switch (v) {
                case Long l -> config.put(k, l);
                case Double d -> config.put(k, d);
                default -> config.put(k, String.valueOf(v));
              }
            });
    ObjectNode body = mapper.createObjectNode().put("object", "list");
    body.putArray("data").add(model);
    json(ctx, 200, body);
  }

  private void embeddings(RoutingContext ctx) {
    Serving s = ready();
    JsonNode body = body(ctx);
    if (body.hasNonNull("model") && !body.get("model").asText().equals(modelName)) {
      throw new OpenAiError(
          404,
          "invalid_request_error",
          "The model `" + body.get("model").asText() + "` does not exist.",
          Optional.of("model"),
          Optional.of("model_not_found"));
    }
    List<String> inputs = inputs(body.get("input"));
    boolean base64 = encoding(body.get("encoding_format"));
    JsonNode dimensions = body.get("dimensions");
    if (dimensions != null && !dimensions.isNull()) {
      throw invalid(
          "dimensions",
          "this model's embeddings have a fixed number of dimensions; leave out 'dimensions'");
    }
    long tokens = 0;
    List<CompletableFuture<float[]>> pending = new ArrayList<>(inputs.size());
    for (String input : inputs) {
      // Microseconds per sentence (see BertTokenizer): cheap enough for the event loop.
      tokens += s.tokenizer().encode(input).length;
      pending.add(s.runtime().embed(input));
    }
    long promptTokens = tokens;
    CompletableFuture<Void> all =
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
    Future.fromCompletionStage(all, ctx.vertx().getOrCreateContext())
        .onSuccess(v -> json(ctx, 200, answer(pending, base64, promptTokens)))
        .onFailure(
            e ->
                ctx.fail(
                    new OpenAiError(
                        500,
                        "server_error",
                        "inference failed: " + e.getMessage(),
                        Optional.empty(),
                        Optional.empty())));
  }

  private ObjectNode answer(List<CompletableFuture<float[]>> done, boolean base64, long tokens) {
    ObjectNode body = mapper.createObjectNode().put("object", "list");
    ArrayNode data = body.putArray("data");
    for (int i = 0; i < done.size(); i++) {
      float[] e = done.get(i).join();
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      if (base64) {
        // OpenAI's base64 encoding: the little-endian float32 array's bytes.
        ByteBuffer b = ByteBuffer.allocate(e.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(e);
        item.put("embedding", Base64.getEncoder().encodeToString(b.array()));
      } else {
        ArrayNode v = item.putArray("embedding");
        for (float x : e) {
          v.add(x);
        }
      }
    }
    body.put("model", modelName);
    body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return body;
  }

  private JsonNode body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw invalid(null, "a JSON body is required");
    }
    JsonNode body;
    try {
      body = mapper.readTree(ctx.body().buffer().getBytes());
    } catch (JacksonException e) {
      throw invalid(null, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw invalid(null, "the body could not be read: " + e.getMessage());
    }
    if (!body.isObject()) {
      throw invalid(null, "the body must be a JSON object");
    }
    return body;
  }

  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw invalid("input", "'input' is required: a string or an array of strings");
    }
    if (input.isTextual()) {
      return List.of(input.asText());
    }
    if (!input.isArray()) {
      throw invalid("input", "'input' must be a string or an array of strings");
    }
    if (input.isEmpty()) {
      throw invalid("input", "'input' must not be an empty array");
    }
    if (input.size() > MAX_INPUTS) {
      throw invalid("input", "'input' has " + input.size() + " items; at most " + MAX_INPUTS);
    }
    List<String> out = new ArrayList<>(input.size());
    for (JsonNode item : input) {
      if (item.isNumber() || item.isArray()) {
        throw invalid("input", "token arrays are not supported: send text");
      }
      if (!item.isTextual()) {
        throw invalid("input", "every item of 'input' must be a string");
      }
      out.add(item.asText());
    }
    return out;
  }

  private static boolean encoding(JsonNode format) {
    if (format == null || format.isNull() || format.asText().equals("float")) {
      return false;
    }
    if (format.asText().equals("base64")) {
      return true;
    }
    throw invalid("encoding_format", "'encoding_format' must be 'float' or 'base64'");
  }

  private static OpenAiError invalid(String param, String message) {
    return new OpenAiError(
        400, "invalid_request_error", message, Optional.ofNullable(param), Optional.empty());
  }

  private void onFailure(RoutingContext ctx) {
    Throwable f = ctx.failure();
    OpenAiError e;
    if (f instanceof OpenAiError o) {
      e = o;
    } else if (f == null && ctx.statusCode() == 413) {
      e = invalid(null, "the body is larger than " + MAX_BODY_BYTES + " bytes");
    } else if (f == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      e =
          new OpenAiError(
              ctx.statusCode(),
              "invalid_request_error",
              ctx.request().method() + " " + ctx.request().path() + " is not served",
              Optional.empty(),
              Optional.empty());
    } else {
      log.error("unhandled error on {} {}", ctx.request().method(), ctx.request().path(), f);
      e =
          new OpenAiError(
              500, "server_error", "internal error", Optional.empty(), Optional.empty());
    }
    if (ctx.response().ended()) {
      return;
    }
    ObjectNode error = mapper.createObjectNode();
    ObjectNode o = error.putObject("error").put("message", e.getMessage()).put("type", e.type);
    e.param.ifPresentOrElse(p -> o.put("param", p), () -> o.putNull("param"));
    e.code.ifPresentOrElse(c -> o.put("code", c), () -> o.putNull("code"));
    json(ctx, e.status, error);
  }

  private static void json(RoutingContext ctx, int status, JsonNode body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(body.toString());
  }

  /** A request answered with OpenAI's error shape. */
  static final class OpenAiError extends RuntimeException {
    final int status;
    final String type;
    final Optional<String> param;
    final Optional<String> code;

    OpenAiError(
        int status, String type, String message, Optional<String> param, Optional<String> code) {
      super(message, null, false, false);
      this.status = status;
      this.type = type;
      this.param = param;
      this.code = code;
    }
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
