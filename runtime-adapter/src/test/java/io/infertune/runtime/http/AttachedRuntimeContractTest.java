package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.runtime.catalog.RuntimeDefinition;
import io.infertune.runtime.catalog.RuntimeFile;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.RuntimeAdapterContract;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract, met by an attached runtime defined as data (an {@code attach} entry of a runtimes
 * file): a vLLM-speaking server in a process of the operator's, reconfigured through the operator's
 * webhook, which restarts it with the flags it is sent; load through the OpenAI load generator,
 * metrics from the server's {@code /metrics}.
 */
class AttachedRuntimeContractTest extends RuntimeAdapterContract {
  private OperatorVllm operator;

  @Override
  protected RuntimeAdapter createAdapter() throws Exception {
    operator = new OperatorVllm();
    String yaml =
        """
        runtimes:
          - kind: attach
            id: operators-vllm
            profile: vllm
            url: %s
            variables: {model: m}
            reconfigure:
              webhook: %s
            readyTimeoutSeconds: 30
        """
            .formatted(operator.url(), operator.webhook());
    List<RuntimeDefinition> defs =
        RuntimeFile.read(
            new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
            "runtimes.yaml",
            LaunchProfiles.load(Optional.empty(), Profiles.FACTS),
            Profiles.FACTS);
    return RuntimeFile.open(defs, Map.of(), Ticker.system()).get(0);
  }

  /** The operator's webhook declines a second GPU (HTTP 422). */
  @Override
  protected Optional<Configuration> refusedConfiguration() {
    return Optional.of(Configuration.of("tensor_parallel_size", 2));
  }

  @Override
  protected String sampleInput() {
    return "Hello, my name is";
  }

  @AfterEach
  void stopOperatorsServer() {
    operator.close();
  }

  @Test
  void aReconfigurationGoesThroughTheWebhookAndLeavesTheServerItsOwner() throws Exception {
    long before = operator.server().pid();
    adapter.apply(Configuration.of("max_num_seqs", 128));
    assertThat(operator.hookCalls).hasSize(1);
    assertThat(operator.server().pid()).isNotEqualTo(before);
    assertThat(String.join(" ", operator.server().command())).contains("--max-num-seqs 128");
    adapter.close();
    assertThat(operator.server().isAlive())
        .as("closing an attached runtime stops nothing")
        .isTrue();
  }
}
