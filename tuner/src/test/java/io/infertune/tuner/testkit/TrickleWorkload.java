package io.infertune.tuner.testkit;

import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.Workload;

/**
 * A workload that sends one request at start: enough for runtimes that produce their own load, such
 * as {@link SimulatedRuntime}.
 */
public final class TrickleWorkload implements Workload {
  @Override
  public LoadSession start(RequestSink sink) {
    sink.submit(InferenceRequest.embed("hello"));
    return new LoadSession() {
      @Override
      public long submitted() {
        return 1;
      }

      @Override
      public long failed() {
        return 0;
      }

      @Override
      public void close() {}
    };
  }
}
