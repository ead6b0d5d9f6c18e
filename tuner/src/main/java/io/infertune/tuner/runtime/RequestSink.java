package io.infertune.tuner.runtime;

import java.util.concurrent.CompletionStage;

/**
 * Accepts requests for a runtime. Submission never blocks the caller for the request's duration:
 * the stage completes when the response is in (exceptionally when the request failed).
 */
@FunctionalInterface
public interface RequestSink {
  CompletionStage<?> submit(InferenceRequest request);
}
