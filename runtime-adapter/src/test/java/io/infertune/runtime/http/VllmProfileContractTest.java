package io.infertune.runtime.http;

import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.RuntimeAdapterContract;
import java.time.Duration;
import java.util.Optional;

/**
 * The contract, met by the {@code vllm} launch profile driving a separate process that speaks
 * vLLM's protocol ({@link StandInVllm}): every reconfiguration is a real restart with new flags.
 */
class VllmProfileContractTest extends RuntimeAdapterContract {
  static HttpRuntimeAdapter.Builder standIn() {
    return HttpRuntimeAdapter.launch(Profiles.builtIn("vllm"))
        .variable("vllm", JavaCommand.of(StandInVllm.class))
        .variable("model", "facebook/opt-125m")
        .readyTimeout(Duration.ofSeconds(30))
        .stopGrace(Duration.ofSeconds(5));
  }

  @Override
  protected RuntimeAdapter createAdapter() throws Exception {
    return standIn().build();
  }

  /** The stand-in's machine has one GPU: vLLM does not start on two, and goes back to one. */
  @Override
  protected Optional<Configuration> refusedConfiguration() {
    return Optional.of(Configuration.of("tensor_parallel_size", 2));
  }
}
