package io.infertune.runtime.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.infertune.runtime.embedded.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the JSON that OpenAI-compatible servers answer with: completion and chat objects and their
 * streamed chunks, embeddings lists, and error bodies, in the shapes OpenAI, vLLM (older: {@code
 * {"object": "error", "message": ...}}; newer: {@code {"error": {"message": ...}}}) and FastAPI
 * validation errors ({@code {"detail": ...}}) use.
 */
final class ResponseBodies {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MAX_ERROR_CHARS = 300;

  private ResponseBodies() {}

  /**
   * What one completion, chat completion or streamed chunk says.
   *
   * @param text the generated text it carries (all choices, content and reasoning)
   * @param carriesText whether any choice carried non-empty text: one token event
   * @param finished whether a choice has a {@code finish_reason}
   * @param error the error the body reports instead of an answer
   */
  record Generation(
      String text,
      boolean carriesText,
      boolean finished,
      OptionalInt promptTokens,
      OptionalInt completionTokens,
      Optional<String> error) {}

  /** Reads a completion or chat object, whole or one streamed chunk. */
  static Generation generation(String json) throws IOException {
    JsonValue v = JsonValue.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    if (!v.isObject()) {
      throw new IOException("not a JSON object");
    }
    StringBuilder text = new StringBuilder();
    boolean carries = false;
    boolean finished = false;
    for (JsonValue choice : v.path("choices").elements()) {
      JsonValue delta = choice.path("delta");
      for (JsonValue piece :
          new JsonValue[] {
            choice.path("text"), // completions
            delta.path("content"), // chat chunks
            delta.path("reasoning_content"), // reasoning models, vLLM and DeepSeek
            delta.path("reasoning"),
            choice.path("message").path("content") // a whole chat completion
          }) {
        String s = piece.asText("");
        if (!s.isEmpty()) {
          text.append(s);
          carries = true;
        }
      }
      finished |= !choice.path("finish_reason").isAbsent();
    }
    JsonValue usage = v.path("usage");
    return new Generation(
        text.toString(),
        carries,
        finished,
        count(usage.path("prompt_tokens")),
        count(usage.path("completion_tokens")),
        error(v));
  }

  /**
   * What an embeddings response says.
   *
   * @param vectors how many elements {@code data} has
   */
  record Embeddings(int vectors, OptionalInt promptTokens, Optional<String> error) {}

  /**
   * Reads an embeddings response with the streaming parser, skipping the vectors: building a tree
   * of hundreds of numbers per request would cost the load generator CPU that the runtime it
   * measures may share.
   */
  static Embeddings embeddings(byte[] json) throws IOException {
    int vectors = 0;
    OptionalInt prompt = OptionalInt.empty();
    Optional<String> error = Optional.empty();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("data") && t == JsonToken.START_ARRAY) {
          while (p.nextToken() != JsonToken.END_ARRAY) {
            vectors++;
            p.skipChildren();
          }
        } else if (name.equals("usage") && t == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && field.equals("prompt_tokens")) {
              prompt = OptionalInt.of(p.getIntValue());
            }
            p.skipChildren();
          }
        } else if (name.equals("error") && t != JsonToken.VALUE_NULL) {
          error = Optional.of(t == JsonToken.VALUE_STRING ? p.getText() : "error");
          p.skipChildren();
        } else if (name.equals("object")
            && t == JsonToken.VALUE_STRING
            && p.getText().equals("error")) {
          error = Optional.of("error");
        } else {
          p.skipChildren();
        }
      }
    }
    if (error.isPresent()) {
      // Errors are rare and small: read the message the way the other shapes are read.
      String text = new String(json, StandardCharsets.UTF_8);
      error = Optional.of(errorMessage(text).orElse(error.get()));
    }
    return new Embeddings(vectors, prompt, error);
  }

  /** The message of an error body, or its text cut short; {@code HTTP status} when empty. */
  static String httpError(int status, String body) {
    return errorMessage(body)
        .or(() -> body.isBlank() ? Optional.empty() : Optional.of(shorten(body.strip())))
        .orElse("HTTP " + status);
  }

  /** The message an error body or event carries, when it is JSON in a known shape. */
  static Optional<String> errorMessage(String body) {
    try {
      JsonValue v =
          JsonValue.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
      return error(v).or(() -> text(v.path("detail"))).map(ResponseBodies::shorten);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> error(JsonValue v) {
    JsonValue e = v.path("error");
    if (e.isObject()) {
      return Optional.of(text(e.path("message")).orElse("error"));
    }
    if (!e.isAbsent()) {
      return Optional.of(e.asText("error"));
    }
    if (v.path("object").asText("").equals("error")) {
      return Optional.of(text(v.path("message")).orElse("error"));
    }
    return Optional.empty();
  }

  private static Optional<String> text(JsonValue v) {
    String s = v.asText("");
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  private static OptionalInt count(JsonValue v) {
    int n = v.asInt(-1);
    return n >= 0 ? OptionalInt.of(n) : OptionalInt.empty();
  }

  static String shorten(String s) {
    return s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS) + "...";
  }
}
