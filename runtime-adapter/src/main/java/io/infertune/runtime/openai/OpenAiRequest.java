package io.infertune.runtime.openai;

import java.util.Objects;

/**
 * One request to an OpenAI-compatible server.
 *
 * @param api which endpoint
 * @param model the {@code model} the server serves (vLLM: the {@code --served-model-name})
 * @param input the text to embed, the prompt, or the user message
 * @param maxTokens {@code max_tokens}: the most tokens to generate (ignored for embeddings)
 * @param stream whether to ask for server-sent events, one chunk per token (generative only)
 */
public record OpenAiRequest(
    ApiKind api, String model, String input, int maxTokens, boolean stream) {
  public OpenAiRequest {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(input, "input");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    if (api.generative() && maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
    if (stream && !api.generative()) {
      throw new IllegalArgumentException("embeddings are not streamed");
    }
  }

  public static OpenAiRequest embeddings(String model, String input) {
    return new OpenAiRequest(ApiKind.EMBEDDINGS, model, input, 0, false);
  }
}
