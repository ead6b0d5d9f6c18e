package io.infertune.runtime.openai;

import java.util.Objects;

/** A request that did not succeed; its {@link #result()} says how and when. */
public final class OpenAiRequestException extends Exception {
  private final transient OpenAiResult result;

  public OpenAiRequestException(OpenAiResult result) {
    super(result.toString());
    if (result.ok()) {
      throw new IllegalArgumentException("the request succeeded");
    }
    this.result = Objects.requireNonNull(result, "result");
  }

  public OpenAiResult result() {
    return result;
  }
}
