package io.infertune.tuner.runtime;

import java.util.Objects;

/**
 * One request of a workload.
 *
 * @param input the text to embed or the prompt
 * @param maxOutputTokens for generative runtimes, how many tokens to generate (0 for embeddings)
 */
public record InferenceRequest(String input, int maxOutputTokens) {
  public InferenceRequest {
    Objects.requireNonNull(input, "input");
    if (maxOutputTokens < 0) {
      throw new IllegalArgumentException("maxOutputTokens must be >= 0");
    }
  }

  public static InferenceRequest embed(String input) {
    return new InferenceRequest(input, 0);
  }
}
