package io.infertune.runtime.openai;

import java.util.Locale;

/** The OpenAI-compatible endpoints a load can drive. */
public enum ApiKind {
  /** {@code POST /v1/embeddings}: {@code input} in, vectors out; never streamed. */
  EMBEDDINGS("/v1/embeddings"),
  /** {@code POST /v1/completions}: a {@code prompt} in, {@code choices[].text} out. */
  COMPLETIONS("/v1/completions"),
  /** {@code POST /v1/chat/completions}: one user message in, {@code choices[].delta} out. */
  CHAT("/v1/chat/completions");

  private final String path;

  ApiKind(String path) {
    this.path = path;
  }

  /** The endpoint's path, below the server's root. */
  public String path() {
    return path;
  }

  /** Whether responses carry generated tokens (and so can be streamed). */
  public boolean generative() {
    return this != EMBEDDINGS;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code embeddings}, {@code completions} or {@code chat} (also {@code chat_completions}). */
  public static ApiKind parse(String s) {
    return switch (s == null ? "" : s.strip().toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "embeddings", "embedding" -> EMBEDDINGS;
      case "completions", "completion" -> COMPLETIONS;
      case "chat", "chat_completions" -> CHAT;
      default ->
          throw new IllegalArgumentException(
              "API kind must be 'embeddings', 'completions' or 'chat', got '" + s + "'");
    };
  }
}
