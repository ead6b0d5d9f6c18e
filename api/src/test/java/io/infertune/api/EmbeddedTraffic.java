package io.infertune.api;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.space.Configuration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real requests straight into the embedded runtime ({@code embed}, where its request sink, fed by
 * the Measurer's load generator, also leads), quicker than a campaign: the metrics they leave are
 * what the tests read back.
 */
final class EmbeddedTraffic {
  private EmbeddedTraffic() {}

  /** Batches of up to 8 and a result cache, so that batch sizes and cache hits are not trivial. */
  static void batchingWithACache(EmbeddedRuntime runtime) throws Exception {
    runtime.apply(
        Configuration.of(
            EmbeddedRuntime.BATCH_SIZE, 8,
            EmbeddedRuntime.BATCH_TIMEOUT_MS, 2,
            EmbeddedRuntime.CACHE_ENTRIES, 1000));
  }

  /**
   * Sends {@code distinct} new sentences at once and waits for all of them, then {@code repeats} of
   * the first ones again, which the cache answers; returns once every answer is in, and so once
   * every counter has moved (the runtime counts a request before it completes its future).
   */
  static void send(EmbeddedRuntime runtime, String tag, int distinct, int repeats)
      throws Exception {
    if (repeats > distinct) {
      throw new IllegalArgumentException("repeats must be <= distinct");
    }
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < distinct; i++) {
      inputs.add("sentence " + i + " of " + tag + " about tuning inference servers");
    }
    awaitAll(runtime, inputs);
    awaitAll(runtime, inputs.subList(0, repeats));
  }

  private static void awaitAll(EmbeddedRuntime runtime, List<String> inputs) throws Exception {
    List<CompletableFuture<float[]>> answers = new ArrayList<>();
    inputs.forEach(s -> answers.add(runtime.embed(s)));
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }
}
