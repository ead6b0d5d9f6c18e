package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.runtime.http.HttpRuntimeAdapter;
import io.infertune.runtime.http.ManagedProcess;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.testkit.RuntimeAdapterContract;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The contract, met by the {@code http} adapter driving the real {@code infertune runtime} in a
 * child process: requests over {@code /v1/embeddings}, metrics scraped from {@code /metrics}, every
 * reconfiguration a restart with new flags.
 */
class HttpRuntimeAdapterTest extends RuntimeAdapterContract {
  @Override
  protected RuntimeAdapter createAdapter() throws Exception {
    return ChildRuntime.builder().build();
  }

  @Test
  void theChildPrintsItsReadyLineAndStopsGracefullyOnSigterm() {
    ManagedProcess child = ((HttpRuntimeAdapter) adapter).process().orElseThrow();
    assertThat(child.logTail())
        .anyMatch(l -> l.startsWith("infertune runtime: serving all-MiniLM-L6-v2 on http://"));
    ManagedProcess.Stopped stopped = child.stop(Duration.ofSeconds(20));
    assertThat(stopped.killed()).isFalse();
    assertThat(stopped.exitCode())
        .as("128 + SIGTERM, after the shutdown hooks")
        .isEqualTo(OptionalInt.of(143));
    assertThat(child.logTail()).anyMatch(l -> l.contains("stopping: requests in flight get"));
  }
}
