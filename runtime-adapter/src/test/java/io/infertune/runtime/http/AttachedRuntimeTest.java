package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.space.Configuration;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attach mode: a vLLM-speaking server Infertune did not start, reconfigured by the user's webhook
 * (which here restarts it with the flags it is sent) or command, and measured from its {@code
 * /metrics}.
 */
class AttachedRuntimeTest {
  private final LaunchProfile vllm = Profiles.builtIn("vllm");
  private OperatorVllm operator;
  private List<Map<String, Object>> hookCalls;
  private URI url;

  @BeforeEach
  void startServer() throws Exception {
    operator = new OperatorVllm();
    hookCalls = operator.hookCalls;
    url = operator.url();
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  private URI webhook() throws IOException {
    return operator.webhook();
  }

  private static void serves(HttpRuntimeAdapter a) throws Exception {
    a.requests()
        .submit(new InferenceRequest("Hello", 4))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void aWebhookPushIsReadBackAndServed() throws Exception {
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url)
            .id("shared-vllm")
            .variable("model", "m")
            .reconfigureWebhook(webhook())
            .readyTimeout(Duration.ofSeconds(30))
            .build()) {
      assertThat(a.current()).isEqualTo(vllm.defaults());
      a.apply(Configuration.of("max_num_seqs", 64, "enable_prefix_caching", "off"));

      assertThat(hookCalls).hasSize(1);
      assertThat(hookCalls.get(0))
          .containsEntry("runtime", "shared-vllm")
          .extractingByKey("configuration")
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("max_num_seqs", 64L)
          .containsEntry("enable_prefix_caching", "off");
      assertThat(String.join(" ", operator.server().command()))
          .contains("--max-num-seqs 64")
          .contains("--no-enable-prefix-caching");
      assertThat(a.current().get("max_num_seqs")).isEqualTo(64L);
      serves(a);
      assertThat(a.metrics().sample().counter(Metrics.SOURCE_REQUESTS)).hasValue(1);
    }
  }

  @Test
  void aWebhookThatRefusesFailsTheApplyAndThePreviousConfigurationIsPushedBack() throws Exception {
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url)
            .variable("model", "m")
            .reconfigureWebhook(webhook())
            .readyTimeout(Duration.ofSeconds(30))
            .build()) {
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class,
              () -> a.apply(Configuration.of("tensor_parallel_size", 2)));
      assertThat(e.reason()).isEqualTo(Reason.REJECTED);
      assertThat(e.getMessage()).contains("answered HTTP 422: one GPU here");
      assertThat(hookCalls).hasSize(2);
      assertThat(hookCalls.get(1).get("configuration")).isEqualTo(vllm.defaults().values());
      assertThat(a.current()).isEqualTo(vllm.defaults());
      serves(a);
    }
  }

  @Test
  void aCommandGetsTheFlagsAndTheConfigurationAsJson(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("reconfigure.log");
    String script =
        "echo \"$*\" >> '"
            + log
            + "'; echo '{config_json}' >> '"
            + log
            + "'; case \"$*\" in *'--max-num-seqs 1024'*)"
            + " echo \"error: unexpected argument '--max-num-seqs 1024' found\" >&2; exit 2;; esac";
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url)
            .variable("model", "m")
            .reconfigureCommand(List.of("sh", "-c", script, "reconfigure", "{flags}"))
            .readyTimeout(Duration.ofSeconds(30))
            .build()) {
      a.apply(Configuration.of("max_num_seqs", 64));
      List<String> lines = Files.readAllLines(log);
      assertThat(lines.get(0)).startsWith("--max-num-seqs 64 --max-num-batched-tokens 8192");
      assertThat(lines.get(1))
          .contains("\"max_num_seqs\":64")
          .contains("\"kv_cache_dtype\":\"auto\"");

      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class, () -> a.apply(Configuration.of("max_num_seqs", 1024)));
      assertThat(e.reason()).isEqualTo(Reason.REJECTED);
      assertThat(e.getMessage()).contains("error: unexpected argument '--max-num-seqs 1024' found");
      lines = Files.readAllLines(log);
      assertThat(lines).hasSize(6);
      assertThat(lines.get(4)).as("pushed back").startsWith("--max-num-seqs 64 ");
      assertThat(a.current().get("max_num_seqs")).isEqualTo(64L);
    }
  }

  @Test
  void aCommandMayReadTheConfigurationAsJsonOnItsStdin(@TempDir Path dir) throws Exception {
    Path got = dir.resolve("stdin.json");
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url)
            .id("shared-vllm")
            .variable("model", "m")
            // An argument array, no shell: cp copies its stdin to the file.
            .reconfigureCommand(List.of("cp", "/dev/stdin", got.toString()))
            .commandStdin(true)
            .readyTimeout(Duration.ofSeconds(30))
            .build()) {
      a.apply(Configuration.of("max_num_seqs", 32));
      Map<String, Object> body =
          JsonTree.object(
              JsonTree.parse(Files.newInputStream(got), got.toString()), "the command's stdin");
      assertThat(body).containsEntry("runtime", "shared-vllm");
      assertThat(JsonTree.object(body.get("configuration"), "configuration"))
          .containsEntry("max_num_seqs", 32L);
      assertThat(JsonTree.strings(body.get("flags"), "flags"))
          .containsSubsequence("--max-num-seqs", "32");
    }
  }

  @Test
  void readinessIsAskedOfTheHealthUrlGiven() throws Exception {
    // A health URL that never answers 200: the reconfiguration times out against it, although
    // the server's own /health is fine.
    URI nowhere = url.resolve("/no-such-health");
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url)
            .variable("model", "m")
            .reconfigureCommand(List.of("true"))
            .healthUrl(nowhere)
            .readyTimeout(Duration.ofSeconds(1))
            .build()) {
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class, () -> a.apply(Configuration.of("max_num_seqs", 32)));
      assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
      assertThat(a.current()).isEqualTo(vllm.defaults());
    }
  }

  @Test
  void withoutAWayToReconfigureTheAdapterOnlyObserves() throws Exception {
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url).variable("model", "m").build()) {
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class, () -> a.apply(Configuration.of("max_num_seqs", 64)));
      assertThat(e.reason()).isEqualTo(Reason.REJECTED);
      assertThat(e.getMessage()).contains("without a reconfiguration command or webhook");
      a.apply(vllm.defaults());
      serves(a);
      assertThat(a.metrics().sample().histogram(Metrics.SOURCE_LATENCY_SECONDS)).isPresent();
      assertThat(a.process()).isEmpty();
    }
    assertThat(operator.server().isAlive()).as("not ours to stop").isTrue();
  }
}
