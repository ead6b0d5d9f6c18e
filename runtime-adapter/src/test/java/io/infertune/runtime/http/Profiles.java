package io.infertune.runtime.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Profiles for tests: built-ins on a fixed number of cores, and ones written inline. */
final class Profiles {
  static final Map<String, Long> FACTS = Map.of(LaunchProfiles.CORES, 2L);

  private Profiles() {}

  static LaunchProfile builtIn(String name) {
    try {
      return LaunchProfiles.load(Optional.empty(), FACTS).get(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A profile running {@code sh -c script} (the knob's flag lands in {@code $0} and {@code $1}),
   * probed on {@code /health}, measured with the vLLM mapping.
   */
  static LaunchProfile shell(String script) {
    String json =
        """
        {"name": "sh", "command": ["sh", "-c", "{script}"], "variables": {"script": %s},
         "knobs": [{"name": "k", "type": "int", "min": 1, "max": 4, "default": 1, "flag": "--k"}],
         "readiness": {"path": "/health", "timeoutSeconds": 20, "intervalMillis": 50},
         "metrics": {"mapping": "vllm"}, "api": {"kind": "completions", "model": "m"},
         "stopGraceSeconds": 2}
        """
            .formatted(JsonTree.write(script));
    return read("sh.json", json);
  }

  static LaunchProfile read(String origin, String json) {
    try {
      return LaunchProfiles.read(
          new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
          origin,
          FACTS,
          Optional.empty());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
