package io.infertune.runtime.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.runtime.catalog.RuntimeDefinition.Attach;
import io.infertune.runtime.catalog.RuntimeDefinition.Command;
import io.infertune.runtime.catalog.RuntimeDefinition.Launch;
import io.infertune.runtime.catalog.RuntimeDefinition.ReconfigureCommand;
import io.infertune.runtime.catalog.RuntimeDefinition.Triton;
import io.infertune.runtime.catalog.RuntimeDefinition.Webhook;
import io.infertune.runtime.command.CommandSpec;
import io.infertune.runtime.http.HttpRuntimeAdapter;
import io.infertune.runtime.http.LaunchProfiles;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runtimes files: every kind read from YAML and JSON, and errors that name the field. */
class RuntimeFileTest {
  private static final Map<String, Long> FACTS = Map.of(LaunchProfiles.CORES, 4L);

  private static final String ALL_KINDS =
      """
      runtimes:
        - kind: http
          id: local-llama
          profile: llamacpp
          variables: {model: /models/qwen3-0.6b.gguf, llama_server: [/opt/llama/llama-server]}
          environment: {CUDA_VISIBLE_DEVICES: "0"}
          port: 8081
          initial: {parallel: 4}
          readyTimeoutSeconds: 600
          stopGraceSeconds: 10
        - kind: attach
          id: shared-vllm
          profile: vllm
          url: http://10.0.0.5:8000
          healthUrl: http://10.0.0.5:8000/ready
          variables: {model: Qwen/Qwen3-0.6B}
          initial: {max_num_seqs: 128}
          reconfigure:
            webhook: http://deploy.internal/vllm
          readyTimeoutSeconds: 900
        - kind: attach
          id: scripted-vllm
          profile: vllm
          url: http://10.0.0.6:8000
          variables: {model: m}
          reconfigure:
            command: [/usr/local/bin/redeploy, "{flags}"]
            stdin: true
            environment: {KUBECONFIG: /etc/k.conf}
        - kind: triton
          id: triton-bert
          url: http://127.0.0.1:8000
          metricsUrl: http://127.0.0.1:8002/metrics
          model: bert
          maxBatchSizes: [1, 8, 32]
          instanceKinds: [KIND_CPU]
        - kind: command
          id: simulator
          command: [python3, sim.py, --out, "{metrics_file}"]
          metricsFrom: file
          timeoutSeconds: 30
          knobs:
            - {name: batch, type: ordinal, values: [1, 2, 4], default: 2, flag: --batch}
            - {name: threads, type: int, min: 1, max: "{cores}", default: 1, env: THREADS}
            - {name: policy, type: categorical, values: [lru, lfu], default: lru, stdin: true}
      """;

  private static List<RuntimeDefinition> read(String origin, String text) throws IOException {
    return RuntimeFile.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        origin,
        LaunchProfiles.load(Optional.empty(), FACTS),
        FACTS);
  }

  private static String error(String yaml) {
    try {
      read("runtimes.yaml", yaml);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no error for:\n" + yaml);
  }

  @Test
  void everyKindIsReadWithItsSettings() throws Exception {
    List<RuntimeDefinition> defs = read("runtimes.yaml", ALL_KINDS);
    assertThat(defs)
        .extracting(RuntimeDefinition::kind)
        .containsExactly("http", "attach", "attach", "triton", "command");
    assertThat(defs)
        .extracting(RuntimeDefinition::id)
        .containsExactly("local-llama", "shared-vllm", "scripted-vllm", "triton-bert", "simulator");

    Launch llama = (Launch) defs.get(0);
    assertThat(llama.profile().name()).isEqualTo("llamacpp");
    assertThat(llama.port()).isEqualTo(8081);
    assertThat(llama.variables()).containsEntry("llama_server", List.of("/opt/llama/llama-server"));
    assertThat(llama.environment()).containsEntry("CUDA_VISIBLE_DEVICES", "0");
    assertThat(llama.initial().get("parallel")).isEqualTo(4L);
    assertThat(llama.readyTimeout()).hasValue(Duration.ofSeconds(600));

    Attach vllm = (Attach) defs.get(1);
    assertThat(vllm.url()).isEqualTo(URI.create("http://10.0.0.5:8000"));
    assertThat(vllm.healthUrl()).hasValue(URI.create("http://10.0.0.5:8000/ready"));
    assertThat(vllm.reconfigure()).hasValue(new Webhook(URI.create("http://deploy.internal/vllm")));
    assertThat(vllm.initial().get("max_num_seqs")).isEqualTo(128L);

    Attach scripted = (Attach) defs.get(2);
    assertThat(scripted.reconfigure().orElseThrow())
        .isEqualTo(
            new ReconfigureCommand(
                List.of("/usr/local/bin/redeploy", "{flags}"),
                true,
                Map.of("KUBECONFIG", "/etc/k.conf")));

    Triton triton = (Triton) defs.get(3);
    assertThat(triton.model()).isEqualTo("bert");
    assertThat(triton.maxBatchSizes()).hasValue(List.of(1L, 8L, 32L));
    assertThat(triton.instanceKinds()).hasValue(List.of("KIND_CPU"));

    CommandSpec sim = ((Command) defs.get(4)).spec();
    assertThat(sim.metricsFrom()).isEqualTo(CommandSpec.MetricsFrom.FILE);
    assertThat(sim.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(sim.knobs())
        .extracting(CommandSpec.Knob::passing)
        .containsExactly(
            CommandSpec.Passing.FLAG, CommandSpec.Passing.ENV, CommandSpec.Passing.STDIN_JSON);
    assertThat(sim.space().get("threads").gridValues(10)).contains(4L);
    assertThat(sim.defaults())
        .isEqualTo(Configuration.of("batch", 2, "threads", 1, "policy", "lru"));
  }

  @Test
  void jsonReadsAsYamlDoes() throws Exception {
    String json =
        """
        {"runtimes": [{"kind": "attach", "profile": "tgi", "url": "http://127.0.0.1:3000",
                       "variables": {"model": "m"}}]}
        """;
    Attach tgi = (Attach) read("runtimes.json", json).get(0);
    assertThat(tgi.id()).as("the profile's name by default").isEqualTo("tgi");
    assertThat(tgi.reconfigure()).as("observed only").isEmpty();
    assertThat(tgi.initial()).isEqualTo(tgi.profile().defaults());
  }

  @Test
  void errorsNameTheRuntimeAndTheField() {
    assertThat(error("runtimes:\n  - {kind: docker, id: x}\n"))
        .contains("runtimes[0].kind: must be one of [http, attach, triton, command]");
    assertThat(error("runtimes:\n  - {kind: http, profile: vllm, prot: 1}\n"))
        .contains("unknown field 'runtimes[0].prot'");
    assertThat(error("runtimes:\n  - {kind: http, profile: vlm}\n"))
        .contains("runtimes[0].profile: no launch profile 'vlm'");
    assertThat(error("runtimes:\n  - {kind: http, profile: vllm, initial: {max_num_seqs: 0}}\n"))
        .contains("runtimes[0].initial:")
        .contains("max_num_seqs");
    assertThat(error("runtimes:\n  - {kind: http, profile: vllm, variables: {port: '1'}}\n"))
        .contains("runtimes[0].variables.port: {port} is set by Infertune");
    assertThat(error("runtimes:\n  - {kind: http, profile: vllm, port: 70000}\n"))
        .contains("runtimes[0].port: must be in [0, 65535]");
    assertThat(
            error(
                "runtimes:\n  - {kind: attach, profile: vllm, url: 'http://h:1'}\n"
                    + "  - {kind: attach, profile: vllm, url: 'http://h:2'}\n"))
        .contains("runtimes[1].id: 'vllm' is used twice");
    assertThat(error("runtimes:\n  - {kind: attach, profile: vllm, url: 'ftp://h'}\n"))
        .contains("runtimes[0].url: must be an http(s) URL");
    assertThat(
            error(
                "runtimes:\n  - {kind: attach, profile: vllm, url: 'http://h',"
                    + " reconfigure: {webhook: 'http://w', command: [x]}}\n"))
        .contains("runtimes[0].reconfigure: give exactly one of webhook, command");
    assertThat(
            error(
                "runtimes:\n  - {kind: attach, profile: vllm, url: 'http://h',"
                    + " reconfigure: {webhook: 'http://w', stdin: true}}\n"))
        .contains("runtimes[0].reconfigure.stdin: applies to a command only");
    assertThat(
            error("runtimes:\n  - {kind: triton, url: 'http://h', model: m, maxBatchSizes: [0]}\n"))
        .contains("runtimes[0].maxBatchSizes: max batch sizes must be >= 1");
    assertThat(
            error(
                "runtimes:\n  - {kind: command, id: c, command: [x], knobs: [{name: b, type: int,"
                    + " min: 1, max: 4, default: 9, flag: --b}]}\n"))
        .contains("runtimes[0].knobs[0].default:");
    assertThat(
            error(
                "runtimes:\n  - {kind: command, id: c, command: [x], knobs: [{name: b, type: int,"
                    + " min: 1, max: 4, default: 1, flag: --b, env: B}]}\n"))
        .contains("runtimes[0].knobs[0].give exactly one of flag, env, stdin");
    assertThat(error("runtimes:\n  - {kind: command, id: c, command: [x], knobs: []}\n"))
        .contains("runtimes[0].knobs: a command needs at least one knob");
    assertThat(
            error(
                "runtimes:\n  - {kind: attach, id: 'no spaces', profile: vllm, url: 'http://h'}\n"))
        .contains("runtimes[0].id: runtime name 'no spaces' is invalid");
    assertThat(error("{runtimes: 3}")).contains("runtimes.yaml: runtimes must be a JSON array");
  }

  @Test
  void openingGivesWorkingAdaptersAndClosesThemAllWhenOneFails(@TempDir Path dir) throws Exception {
    Path sim = dir.resolve("sim.sh");
    Files.writeString(sim, "echo \"{\\\"throughput_rps\\\": $((100 * $2))}\"\n");
    Path file = dir.resolve("runtimes.yaml");
    Files.writeString(
        file,
        """
        runtimes:
          - kind: command
            id: sim
            command: [sh, %s]
            knobs:
              - {name: batch, type: int, min: 1, max: 8, default: 2, flag: --batch}
          - kind: attach
            profile: infertune-runtime
            url: http://127.0.0.1:9/
        """
            .formatted(sim));
    List<RuntimeDefinition> defs =
        RuntimeFile.read(file, LaunchProfiles.load(Optional.empty(), FACTS), FACTS);
    List<RuntimeAdapter> opened = RuntimeFile.open(defs, Map.of(), Ticker.system());
    try {
      assertThat(opened).extracting(RuntimeAdapter::id).containsExactly("sim", "infertune-runtime");
      RuntimeAdapter simulator = opened.get(0);
      simulator.apply(Configuration.of("batch", 5));
      assertThat(simulator.metrics().sample().gauge("throughput_rps")).hasValue(500.0);
      HttpRuntimeAdapter attached = (HttpRuntimeAdapter) opened.get(1);
      assertThat(attached.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9/"));
      assertThat(attached.process()).as("nothing launched").isEmpty();
    } finally {
      opened.forEach(RuntimeAdapter::close);
    }

    // A streaming program that exits at once cannot be opened; the error names it.
    Files.writeString(
        file,
        """
        runtimes:
          - kind: command
            id: dies
            mode: streaming
            command: [sh, -c, "echo boom >&2; exit 3"]
            knobs:
              - {name: batch, type: int, min: 1, max: 8, default: 2, flag: --batch}
        """);
    List<RuntimeDefinition> failing =
        RuntimeFile.read(file, LaunchProfiles.load(Optional.empty(), FACTS), FACTS);
    assertThatThrownBy(() -> RuntimeFile.open(failing, Map.of(), Ticker.system()))
        .isInstanceOf(RuntimeDefinition.OpenFailedException.class)
        .hasMessageContaining("runtime 'dies' (command) could not be opened")
        .hasMessageContaining("boom");
  }
}
