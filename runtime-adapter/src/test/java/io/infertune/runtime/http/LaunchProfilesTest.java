package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.http.LaunchProfile.Launch;
import io.infertune.runtime.openai.ApiKind;
import io.infertune.tuner.space.Configuration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchProfilesTest {
  private static final Map<String, Long> FOUR_CORES = Map.of(LaunchProfiles.CORES, 4L);

  private static LaunchProfiles builtIn() throws IOException {
    return LaunchProfiles.load(Optional.empty(), FOUR_CORES);
  }

  private static Map<String, List<String>> vars(String... namesAndValues) {
    Map<String, List<String>> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
    }
    return m;
  }

  @Test
  void everyBuiltInProfileParsesAndItsDefaultsAreValid() throws IOException {
    LaunchProfiles profiles = builtIn();
    assertThat(profiles.names()).containsExactlyInAnyOrderElementsOf(LaunchProfiles.BUILT_IN);
    for (String name : LaunchProfiles.BUILT_IN) {
      LaunchProfile p = profiles.get(name);
      assertThat(p.name()).isEqualTo(name);
      assertThat(p.knobSpace().validate(p.defaults())).isEqualTo(p.defaults());
      assertThat(p.metrics().mapping().runtime()).isNotBlank();
      assertThat(p.sources()).as(name + " says where its flags come from").isNotEmpty();
    }
    assertThat(profiles.get("vllm").api().kind()).isEqualTo(ApiKind.COMPLETIONS);
    assertThat(profiles.get("tgi").api().path()).isEqualTo("/v1/chat/completions");
    assertThat(profiles.get("infertune-runtime").api().kind()).isEqualTo(ApiKind.EMBEDDINGS);
  }

  @Test
  void vllmDefaultsRenderAsItsFlagsAfterTheCommand() throws IOException {
    LaunchProfile vllm = builtIn().get("vllm");
    Launch l =
        vllm.render(
            vllm.defaults(),
            vars("model", "Qwen/Qwen2.5-0.5B", "port", "8001", "host", "127.0.0.1"));
    assertThat(l.command())
        .containsExactly(
            "vllm",
            "serve",
            "Qwen/Qwen2.5-0.5B",
            "--host",
            "127.0.0.1",
            "--port",
            "8001",
            "--max-num-seqs",
            "256",
            "--max-num-batched-tokens",
            "8192",
            "--gpu-memory-utilization",
            "0.9",
            "--kv-cache-dtype",
            "auto",
            "--enable-prefix-caching",
            "--tensor-parallel-size",
            "1");
    assertThat(l.environment()).isEmpty();
  }

  @Test
  void eachVllmKnobRendersItsOwnFlagAndSwitchesPickTheirFlagByValue() throws IOException {
    LaunchProfile vllm = builtIn().get("vllm");
    Configuration c =
        vllm.defaults()
            .with("enable_prefix_caching", "off")
            .with("quantization", "fp8")
            .with("kv_cache_dtype", "fp8")
            .with("gpu_memory_utilization", 0.85)
            .with("max_num_seqs", 64)
            .with("tensor_parallel_size", 2);
    List<String> args = vllm.renderKnobs(c).args();
    assertThat(String.join(" ", args))
        .isEqualTo(
            "--max-num-seqs 64 --max-num-batched-tokens 8192 --gpu-memory-utilization 0.85"
                + " --kv-cache-dtype fp8 --no-enable-prefix-caching --quantization fp8"
                + " --tensor-parallel-size 2");
  }

  @Test
  void llamaCppUsesItsShortFlags() throws IOException {
    LaunchProfile llama = builtIn().get("llamacpp");
    Configuration c = llama.defaults().with("cache_type_k", "q8_0").with("parallel", 4);
    Launch l = llama.render(c, vars("model", "/m/q.gguf", "port", "9", "host", "::1"));
    assertThat(String.join(" ", l.command()))
        .isEqualTo(
            "llama-server -m /m/q.gguf --host ::1 --port 9 --metrics -b 2048 -ub 512 -np 4 -c 4096"
                + " -ctk q8_0 -ctv f16 -ngl 999 --cache-ram 8192");
  }

  @Test
  void tgiSetsAnEnvironmentKnobAndOmitsANoneQuantization() throws IOException {
    LaunchProfile tgi = builtIn().get("tgi");
    Launch l =
        tgi.render(
            tgi.defaults().with("cuda_memory_fraction", 0.8),
            vars("model", "m", "port", "3000", "host", "h"));
    assertThat(l.command()).doesNotContain("--quantize").contains("--max-batch-total-tokens");
    assertThat(l.environment()).containsExactly(Map.entry("CUDA_MEMORY_FRACTION", "0.8"));
    Launch quantized =
        tgi.render(
            tgi.defaults().with("quantize", "fp8"), vars("model", "m", "port", "1", "host", "h"));
    assertThat(String.join(" ", quantized.command())).contains("--quantize fp8");
  }

  @Test
  void sglangSwitchRendersOnlyForTheValueThatHasAFlag() throws IOException {
    LaunchProfile sglang = builtIn().get("sglang");
    assertThat(sglang.renderKnobs(sglang.defaults()).args())
        .doesNotContain("--disable-radix-cache");
    assertThat(sglang.renderKnobs(sglang.defaults().with("radix_cache", "off")).args())
        .contains("--disable-radix-cache");
  }

  @Test
  void theInfertuneRuntimeProfileHasTheEmbeddedRuntimesKnobsSizedForThisMachinesCores()
      throws IOException {
    LaunchProfile p =
        LaunchProfiles.load(Optional.empty(), Map.of(LaunchProfiles.CORES, 3L))
            .get("infertune-runtime");
    assertThat(p.knobSpace()).isEqualTo(EmbeddedRuntime.knobsFor(3));
    assertThat(p.defaults().get(EmbeddedRuntime.INTRA_OP_THREADS)).isEqualTo(3L);
    Launch l =
        p.render(
            p.defaults(),
            Map.of(
                "infertune", List.of("/usr/bin/java", "-cp", "a.jar", "io.infertune.api.Main"),
                "port", List.of("7000"),
                "host", List.of("127.0.0.1")));
    assertThat(String.join(" ", l.command()))
        .isEqualTo(
            "/usr/bin/java -cp a.jar io.infertune.api.Main runtime --host 127.0.0.1 --port 7000"
                + " --data-dir data --batch-size 1 --batch-timeout-ms 0 --quantization fp32"
                + " --cache-entries 0 --intra-op-threads 3 --replicas 1 --thread-spinning on");
  }

  @Test
  void aUserDirectoryOverridesABuiltInAndAddsProfilesWithTheirOwnMapping(@TempDir Path dir)
      throws IOException {
    Files.writeString(
        dir.resolve("vllm.json"),
        """
        {"name": "vllm", "command": ["/opt/vllm/bin/vllm", "serve", "{model}", "--port={port}", "{flags}", "--enforce-eager"],
         "knobs": [{"name": "max_num_seqs", "type": "int", "min": 8, "max": 64, "default": 16,
                    "flag": "--max-num-seqs", "equals": true}],
         "metrics": {"mapping": "vllm"}, "api": {"kind": "completions", "model": "{model}"}}
        """);
    Files.writeString(
        dir.resolve("mine.json"),
        """
        {"name": "mine", "command": ["{mine}"], "variables": {"mine": ["python3", "-m", "mine"]},
         "knobs": [{"name": "threads", "type": "int", "min": 1, "max": "{cores}", "default": "{cores}", "env": "MINE_THREADS"}],
         "metrics": {"mapping": "mappings/mine.json"}, "api": {"kind": "embeddings", "model": "m"}}
        """);
    Path mappings = Files.createDirectory(dir.resolve("mappings"));
    Files.writeString(
        mappings.resolve("mine.json"),
        """
        {"runtime": "mine", "counters": {"requests": [{"series": "mine_requests_total"}]}}
        """);

    LaunchProfiles profiles = LaunchProfiles.load(Optional.of(dir), FOUR_CORES);

    LaunchProfile vllm = profiles.get("vllm");
    assertThat(vllm.knobSpace().names()).containsExactly("max_num_seqs");
    assertThat(vllm.render(vllm.defaults(), vars("model", "m", "port", "5", "host", "h")).command())
        .containsExactly(
            "/opt/vllm/bin/vllm", "serve", "m", "--port=5", "--max-num-seqs=16", "--enforce-eager");
    LaunchProfile mine = profiles.get("mine");
    assertThat(mine.defaults().get("threads")).isEqualTo(4L);
    assertThat(mine.metrics().mapping().runtime()).isEqualTo("mine");
    Launch l = mine.render(mine.defaults().with("threads", 2), vars("port", "1", "host", "h"));
    assertThat(l.command()).containsExactly("python3", "-m", "mine");
    assertThat(l.environment()).containsExactly(Map.entry("MINE_THREADS", "2"));
    assertThat(profiles.names()).contains("mine", "sglang", "tgi");
  }

  @Test
  void aUserProfileMayBeYamlWhereOnAndOffStayWords(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("mine.yaml"),
        """
        name: mine
        command: ["{mine}", "--port", "{port}"]
        variables:
          mine: [python3, -m, mine]
        knobs:
          - name: spinning
            type: categorical
            values: [on, off]
            default: on
            switch: {off: --no-spin}
          - name: threads
            type: int
            min: 1
            max: "{cores}"
            default: 2
            flag: --threads
            equals: true
          - name: fraction
            type: float
            min: 0.5
            max: 0.95
            default: 0.9
            env: MINE_FRACTION
        metrics: {mapping: vllm}
        api: {kind: completions, model: m}
        """);
    LaunchProfile mine = LaunchProfiles.load(Optional.of(dir), FOUR_CORES).get("mine");
    assertThat(mine.defaults().values())
        .containsEntry("spinning", "on")
        .containsEntry("threads", 2L)
        .containsEntry("fraction", 0.9);
    Launch l = mine.render(mine.defaults().with("spinning", "off"), vars("port", "7", "host", "h"));
    assertThat(l.command())
        .containsExactly("python3", "-m", "mine", "--port", "7", "--no-spin", "--threads=2");
    assertThat(l.environment()).containsExactly(Map.entry("MINE_FRACTION", "0.9"));
    Files.writeString(
        dir.resolve("mine.yaml"),
        Files.readString(dir.resolve("mine.yaml")).replace("\"{cores}\"", "{cores}"));
    assertThatThrownBy(() -> LaunchProfiles.load(Optional.of(dir), FOUR_CORES))
        .hasMessageContaining("mine.yaml: knobs[1]: max must be a number or a string")
        .hasMessageContaining("quote a placeholder");
  }

  @Test
  void mistakesAreRefusedNamingTheFileAndTheField() {
    assertThatThrownBy(() -> read("x.json", "{\"name\": \"x\", \"comand\": []}"))
        .hasMessageContaining("x.json")
        .hasMessageContaining("unknown field 'comand'");
    assertThatThrownBy(
            () ->
                read(
                    "x.json",
                    profile(
                        "{\"name\": \"k\", \"type\": \"int\", \"min\": 1, \"max\": 4, \"flag\": \"--k\"}")))
        .hasMessageContaining("knobs[0]: default is required");
    assertThatThrownBy(
            () ->
                read(
                    "x.json",
                    profile(
                        "{\"name\": \"k\", \"type\": \"int\", \"min\": 1, \"max\": \"{gpus}\", \"default\": 1, \"flag\": \"--k\"}")))
        .hasMessageContaining("knobs[0]: max: unknown fact {gpus}");
    assertThatThrownBy(
            () ->
                read(
                    "x.json",
                    profile(
                        "{\"name\": \"k\", \"type\": \"int\", \"min\": 1, \"max\": 4, \"default\": 9, \"flag\": \"--k\"}")))
        .hasMessageContaining("default value 9 is not a value of the knob");
    assertThatThrownBy(
            () ->
                read(
                    "x.json",
                    profile(
                        "{\"name\": \"k\", \"type\": \"int\", \"min\": 1, \"max\": 4, \"default\": 1, \"flag\": \"--k\", \"env\": \"K\"}")))
        .hasMessageContaining("exactly one of flag, switch, env");
    assertThatThrownBy(
            () ->
                read(
                    "x.json",
                    profile(
                        "{\"name\": \"k\", \"type\": \"categorical\", \"values\": [\"a\", \"b\"], \"default\": \"a\", \"switch\": {\"c\": \"--c\"}}")))
        .hasMessageContaining("switch value c is not a value of the knob");
    assertThatThrownBy(
            () ->
                read(
                    "y.json",
                    profile(
                        "{\"name\": \"k\", \"type\": \"int\", \"min\": 1, \"max\": 4, \"default\": 1, \"flag\": \"--k\"}")))
        .hasMessageContaining("its file must be x.json");
  }

  @Test
  void aMissingVariableIsNamedWhenTheCommandIsRendered() throws IOException {
    LaunchProfile vllm = builtIn().get("vllm");
    assertThatThrownBy(() -> vllm.render(vllm.defaults(), vars("port", "1", "host", "h")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs variable [model]");
  }

  @Test
  void aMultiWordVariableExpandsAsWholeArgumentsOnly() {
    Map<String, List<String>> v =
        Map.of("java", List.of("/bin/java", "-Xmx1g"), "port", List.of("80"));
    assertThat(Templates.expand(List.of("{java}", "--port={port}", "{\"a\": 1}"), v, "t"))
        .containsExactly("/bin/java", "-Xmx1g", "--port=80", "{\"a\": 1}");
    assertThatThrownBy(() -> Templates.expand(List.of("x={java}"), v, "t"))
        .hasMessageContaining("can only be used as a whole argument");
  }

  @Test
  void realsAreWrittenInPlainDecimal() {
    assertThat(LaunchProfile.text(0.9)).isEqualTo("0.9");
    assertThat(LaunchProfile.text(1.0)).isEqualTo("1");
    assertThat(LaunchProfile.text(1e-5)).isEqualTo("0.00001");
    assertThat(LaunchProfile.text(64L)).isEqualTo("64");
  }

  private static String profile(String knob) {
    return "{\"name\": \"x\", \"command\": [\"x\"], \"knobs\": ["
        + knob
        + "], \"metrics\": {\"mapping\": \"vllm\"}, \"api\": {\"kind\": \"completions\", \"model\": \"m\"}}";
  }

  private static LaunchProfile read(String origin, String json) throws IOException {
    return LaunchProfiles.read(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        origin,
        FOUR_CORES,
        Optional.empty());
  }
}
