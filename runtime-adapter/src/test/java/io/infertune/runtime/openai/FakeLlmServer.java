package io.infertune.runtime.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.infertune.runtime.embedded.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in for an LLM server on a GPU (vLLM), which cannot run here: a real HTTP server on
 * loopback (the JDK's {@code com.sun.net.httpserver}) that speaks the OpenAI-compatible API as vLLM
 * does, byte for byte in its streams: {@code data: {json}\n\n} chunks (the chat role chunk with
 * empty content first), the last text chunk with {@code finish_reason}, a usage chunk with empty
 * choices when {@code stream_options.include_usage} is asked for, then {@code data: [DONE]\n\n}.
 *
 * <p>Tokens follow a server-side schedule measured from the request's arrival: the first after
 * {@link #firstToken}, then one every {@link #betweenTokens}; a generation has {@code max_tokens}
 * tokens ({@code " tok0"}, {@code " tok1"}, ...). The {@link Mode} makes it misbehave.
 */
final class FakeLlmServer implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  /** How generations are answered. */
  enum Mode {
    /** As vLLM does. */
    NORMAL,
    /** Every byte its own write (and HTTP chunk), CRLF line ends, {@code : ping} comments. */
    FRAGMENTED,
    /** The second event is not JSON. */
    MALFORMED,
    /** After two tokens, vLLM's mid-stream error: {@code data: {"error": {...}}}, then [DONE]. */
    ERROR_DATA,
    /** After two tokens, an {@code event: error} event. */
    ERROR_EVENT,
    /** Two tokens, then the body ends: no finish_reason, no [DONE]. */
    TRUNCATED,
    /** One token, then nothing until the server closes. */
    STALL,
    /** 400 with vLLM's older error object. */
    HTTP_400,
    /** 503 with a plain-text body, as a proxy in front of a dead server answers. */
    HTTP_503
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<String> requestBodies = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.NORMAL;
  private volatile Duration firstToken = Duration.ZERO;
  private volatile Duration betweenTokens = Duration.ZERO;

  FakeLlmServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/v1/completions", x -> generate(x, false));
    server.createContext("/v1/chat/completions", x -> generate(x, true));
    server.createContext("/v1/embeddings", this::embed);
    server.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  FakeLlmServer mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** The server-side schedule: the first token after {@code first}, then one every {@code gap}. */
  FakeLlmServer schedule(Duration first, Duration gap) {
    this.firstToken = first;
    this.betweenTokens = gap;
    return this;
  }

  /** The JSON bodies received, in arrival order. */
  List<String> requestBodies() {
    return List.copyOf(requestBodies);
  }

  static JsonValue json(String body) throws IOException {
    return JsonValue.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private void generate(HttpExchange x, boolean chat) throws IOException {
    long arrival = System.nanoTime();
    try (x) {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requestBodies.add(body);
      JsonValue request = json(body);
      Mode m = mode;
      if (m == Mode.HTTP_400) {
        reply(
            x,
            400,
            "application/json",
            "{\"object\":\"error\",\"message\":\"This model's maximum context length is 2048"
                + " tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}");
        return;
      }
      if (m == Mode.HTTP_503) {
        reply(x, 503, "text/plain", "upstream connect error");
        return;
      }
      String model = request.path("model").asText("");
      int tokens = request.path("max_tokens").asInt(16);
      String prompt =
          chat
              ? request.path("messages").path(0).path("content").asText("")
              : request.path("prompt").asText("");
      int promptTokens = prompt.isBlank() ? 0 : prompt.strip().split("\\s+").length;
      if (!request.path("stream").asBoolean(false)) {
        waitUntil(arrival, firstToken.plus(betweenTokens.multipliedBy(Math.max(0, tokens - 1))));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
          text.append(" tok").append(i);
        }
        reply(
            x, 200, "application/json", whole(chat, model, text.toString(), promptTokens, tokens));
        return;
      }
      boolean usage = request.path("stream_options").path("include_usage").asBoolean(false);
      x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      x.sendResponseHeaders(200, 0);
      OutputStream out = x.getResponseBody();
      String id = (chat ? "chatcmpl-" : "cmpl-") + Long.toHexString(arrival);
      if (chat) {
        event(out, chunk(true, id, model, "", true, null, usage));
      }
      for (int i = 0; i < tokens; i++) {
        waitUntil(arrival, firstToken.plus(betweenTokens.multipliedBy(i)));
        if (m == Mode.MALFORMED && i == 1) {
          event(out, "{\"id\": \"" + id + "\", \"choices\": [{\"text\": \"tok");
          return;
        }
        if (i == 2 && (m == Mode.ERROR_DATA || m == Mode.ERROR_EVENT)) {
          String error =
              "{\"error\": {\"message\": \"engine dead\", \"type\": \"InternalServerError\","
                  + " \"param\": null, \"code\": 500}}";
          if (m == Mode.ERROR_EVENT) {
            write(out, "event: error\n");
          }
          event(out, error);
          event(out, "[DONE]");
          return;
        }
        if (i == 2 && m == Mode.TRUNCATED) {
          return;
        }
        if (i == 1 && m == Mode.STALL) {
          awaitClose();
          return;
        }
        String finish = i == tokens - 1 ? "length" : null;
        event(out, chunk(chat, id, model, " tok" + i, false, finish, usage));
      }
      if (usage) {
        event(out, usageChunk(chat, id, model, promptTokens, tokens));
      }
      event(out, "[DONE]");
    }
  }

  private void embed(HttpExchange x) throws IOException {
    try (x) {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requestBodies.add(body);
      JsonValue request = json(body);
      if (mode == Mode.HTTP_400) {
        reply(
            x,
            400,
            "application/json",
            "{\"error\":{\"message\":\"input is too long\",\"type\":\"BadRequestError\","
                + "\"param\":null,\"code\":400}}");
        return;
      }
      String input = request.path("input").asText("");
      int tokens = input.isBlank() ? 0 : input.strip().split("\\s+").length;
      StringWriter w = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(w)) {
        g.writeStartObject();
        g.writeStringField("id", "embd-1");
        g.writeStringField("object", "list");
        g.writeNumberField("created", 1_718_000_000);
        g.writeStringField("model", request.path("model").asText(""));
        g.writeArrayFieldStart("data");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeStringField("object", "embedding");
        g.writeArrayFieldStart("embedding");
        for (int i = 0; i < 8; i++) {
          g.writeNumber(0.125 * i - 0.5);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", tokens);
        g.writeNumberField("total_tokens", tokens);
        g.writeNumberField("completion_tokens", 0);
        g.writeEndObject();
        g.writeEndObject();
      }
      reply(x, 200, "application/json", w.toString());
    }
  }

  /** A streamed chunk as vLLM writes it (no usage member in content chunks). */
  private static String chunk(
      boolean chat,
      String id,
      String model,
      String text,
      boolean roleChunk,
      String finish,
      boolean usageRequested)
      throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("object", chat ? "chat.completion.chunk" : "text_completion");
      g.writeNumberField("created", 1_718_000_000);
      g.writeStringField("model", model);
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      if (chat) {
        g.writeObjectFieldStart("delta");
        if (roleChunk) {
          g.writeStringField("role", "assistant");
        }
        g.writeStringField("content", text);
        g.writeEndObject();
      } else {
        g.writeStringField("text", text);
      }
      g.writeNullField("logprobs");
      if (finish == null) {
        g.writeNullField("finish_reason");
      } else {
        g.writeStringField("finish_reason", finish);
        g.writeNullField("stop_reason");
      }
      g.writeEndObject();
      g.writeEndArray();
      if (usageRequested && !chat) {
        // OpenAI's completions chunks carry "usage": null until the last one.
        g.writeNullField("usage");
      }
      g.writeEndObject();
    }
    return w.toString();
  }

  private static String usageChunk(
      boolean chat, String id, String model, int prompt, int completion) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("object", chat ? "chat.completion.chunk" : "text_completion");
      g.writeNumberField("created", 1_718_000_000);
      g.writeStringField("model", model);
      g.writeArrayFieldStart("choices");
      g.writeEndArray();
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", prompt);
      g.writeNumberField("total_tokens", prompt + completion);
      g.writeNumberField("completion_tokens", completion);
      g.writeEndObject();
      g.writeEndObject();
    }
    return w.toString();
  }

  private static String whole(boolean chat, String model, String text, int prompt, int completion)
      throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("id", chat ? "chatcmpl-1" : "cmpl-1");
      g.writeStringField("object", chat ? "chat.completion" : "text_completion");
      g.writeNumberField("created", 1_718_000_000);
      g.writeStringField("model", model);
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      if (chat) {
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", text);
        g.writeEndObject();
      } else {
        g.writeStringField("text", text);
      }
      g.writeStringField("finish_reason", "length");
      g.writeEndObject();
      g.writeEndArray();
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", prompt);
      g.writeNumberField("total_tokens", prompt + completion);
      g.writeNumberField("completion_tokens", completion);
      g.writeEndObject();
      g.writeEndObject();
    }
    return w.toString();
  }

  /** One event, flushed as it would be after a token is sampled. */
  private void event(OutputStream out, String data) throws IOException {
    if (mode == Mode.FRAGMENTED) {
      write(out, ": ping\r\n\r\n");
      write(out, "data: " + data + "\r\n\r\n");
    } else {
      write(out, "data: " + data + "\n\n");
    }
  }

  private void write(OutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (mode == Mode.FRAGMENTED) {
      for (byte b : bytes) {
        out.write(b);
        out.flush();
      }
    } else {
      out.write(bytes);
      out.flush();
    }
  }

  private static void reply(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  /** Sleeps until {@code offset} after {@code arrival}: the simulated GPU's pace. */
  private void waitUntil(long arrival, Duration offset) {
    long left = arrival + offset.toNanos() - System.nanoTime();
    if (left > 0) {
      try {
        closed.await(left, java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitClose() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
