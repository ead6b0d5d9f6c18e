package io.infertune.runtime.workload;

import io.infertune.tuner.runtime.InferenceRequest;
import java.util.function.Supplier;

/**
 * Makes the requests of a workload: one independent, seeded stream per closed-loop client or
 * open-loop dispatcher, so that every start of a workload replays the same traffic.
 *
 * @implNote implementations are thread-safe; each stream they return is used by one thread only.
 */
@FunctionalInterface
public interface RequestFactory {
  /** The requests of one stream; the same {@code seed} gives the same sequence. */
  Supplier<InferenceRequest> stream(long seed);
}
