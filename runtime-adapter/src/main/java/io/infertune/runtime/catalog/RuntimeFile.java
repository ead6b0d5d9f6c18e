package io.infertune.runtime.catalog;

import static io.infertune.runtime.http.JsonTree.allowOnly;
import static io.infertune.runtime.http.JsonTree.array;
import static io.infertune.runtime.http.JsonTree.object;
import static io.infertune.runtime.http.JsonTree.string;

import io.infertune.runtime.catalog.RuntimeDefinition.Attach;
import io.infertune.runtime.catalog.RuntimeDefinition.Launch;
import io.infertune.runtime.catalog.RuntimeDefinition.Reconfigure;
import io.infertune.runtime.catalog.RuntimeDefinition.ReconfigureCommand;
import io.infertune.runtime.catalog.RuntimeDefinition.Triton;
import io.infertune.runtime.catalog.RuntimeDefinition.Webhook;
import io.infertune.runtime.command.CommandSpec;
import io.infertune.runtime.http.JsonTree;
import io.infertune.runtime.http.LaunchProfile;
import io.infertune.runtime.http.LaunchProfiles;
import io.infertune.runtime.triton.TritonRuntimeAdapter;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Names;
import io.infertune.tuner.space.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A runtimes file: the runtimes a service manages beside its embedded one, of every adapter kind,
 * as data (JSON, or YAML for a {@code .yaml}/{@code .yml} file). Fields are those of the adapters'
 * builders; unknown fields are refused, so that a misspelt one does not silently do nothing, and
 * every error names the runtime's index and the field.
 *
 * <pre>{@code
 * runtimes:
 *   - kind: http                      # launched from a launch profile, restarted per configuration
 *     id: local-llama                 # default: the profile's name
 *     profile: llamacpp               # a built-in or one of the service's --profile-dir
 *     variables: {model: /models/qwen3-0.6b.gguf}   # a string or a list of strings each
 *     environment: {CUDA_VISIBLE_DEVICES: "0"}
 *     host: 127.0.0.1                 # default 127.0.0.1
 *     port: 8081                      # default 0: a free port
 *     initial: {n_parallel: 4}        # laid over the profile's defaults
 *     readyTimeoutSeconds: 600        # default: the profile's readiness timeout
 *     stopGraceSeconds: 30            # default: the profile's
 *     directory: /srv/llama           # working directory
 *   - kind: attach                    # a server Infertune did not start
 *     id: shared-vllm
 *     profile: vllm                   # its knobs, metric mapping and OpenAI API
 *     url: http://10.0.0.5:8000
 *     healthUrl: http://10.0.0.5:8000/health    # default: url + the profile's readiness path
 *     metricsUrl: http://10.0.0.5:8000/metrics  # default: url + the profile's metrics path
 *     variables: {model: Qwen/Qwen3-0.6B}
 *     initial: {max_num_seqs: 128}    # what it runs now (default: the profile's defaults)
 *     reconfigure:                    # without it, the runtime is only observed
 *       webhook: http://deploy.internal/vllm      # POSTed {"runtime", "configuration", "flags",
 *                                                 #        "environment"}; 2xx means done
 *       # or: command: ["/usr/local/bin/redeploy", "{flags}"]   # an argument array, no shell;
 *       #     stdin: true                # {flags}, {config_json}; the same JSON on stdin
 *       #     environment: {KUBECONFIG: /etc/k.conf}
 *     liveReconfigurable: false
 *     readyTimeoutSeconds: 900        # reconfiguration until the health URL answers
 *   - kind: triton
 *     id: triton-bert
 *     url: http://127.0.0.1:8000
 *     metricsUrl: http://127.0.0.1:8002/metrics
 *     model: bert
 *     maxBatchSizes: [1, 8, 32]       # also maxQueueDelayMicros, maxInstances, instanceKinds,
 *     instanceKinds: [KIND_CPU]       # readyTimeoutSeconds, loadTimeoutSeconds,
 *                                     # requestTimeoutSeconds
 *   - kind: command
 *     id: simulator
 *     command: [python3, sim.py, --out, "{metrics_file}"]
 *     mode: one_shot                  # or streaming
 *     metricsFrom: stdout             # or file
 *     timeoutSeconds: 60
 *     environment: {SEED: "1"}
 *     knobs:                          # the launch profiles' knob shape; passed as
 *       - {name: batch, type: ordinal, values: [1, 2, 4], default: 1, flag: --batch}
 *       - {name: threads, type: int, min: 1, max: "{cores}", default: 1, env: THREADS}
 *       - {name: policy, type: categorical, values: [lru, lfu], default: lru, stdin: true}
 * }</pre>
 *
 * @implNote stateless; reading is thread-safe.
 */
public final class RuntimeFile {
  /** The kinds a runtime of the file may have. */
  public static final List<String> KINDS = List.of("http", "attach", "triton", "command");

  /** Variables the adapter sets itself ({@code {flags}} is the rendered knobs). */
  private static final Set<String> RESERVED_VARIABLES = Set.of("host", "port", LaunchProfile.FLAGS);

  private RuntimeFile() {}

  /**
   * Reads a runtimes file.
   *
   * @param profiles the launch profiles {@code http} and {@code attach} runtimes may name
   * @param facts the machine's facts that command knobs may use ({@code {cores}})
   * @throws IllegalArgumentException naming the file, the runtime and the field of what is wrong
   * @throws IOException when the file cannot be read
   */
  public static List<RuntimeDefinition> read(
      Path file, LaunchProfiles profiles, Map<String, Long> facts) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), profiles, facts);
    }
  }

  /**
   * Reads a runtimes document; {@code origin} names it in errors and says whether it is YAML.
   *
   * @throws IllegalArgumentException naming {@code origin}, the runtime and the field
   */
  public static List<RuntimeDefinition> read(
      InputStream in, String origin, LaunchProfiles profiles, Map<String, Long> facts)
      throws IOException {
    Object tree = JsonTree.parse(in, origin);
    try {
      return new Binder(profiles, facts).file(tree);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens every runtime, in order; when one fails, those opened are closed again.
   *
   * @param variables what every profile's command may use ({@code {infertune}}, ...)
   * @throws RuntimeDefinition.OpenFailedException naming the runtime that failed and why
   */
  public static List<RuntimeAdapter> open(
      List<RuntimeDefinition> definitions, Map<String, List<String>> variables, Ticker ticker)
      throws RuntimeDefinition.OpenFailedException {
    List<RuntimeAdapter> opened = new ArrayList<>();
    try {
      for (RuntimeDefinition d : definitions) {
        opened.add(d.open(variables, ticker));
      }
      return opened;
    } catch (RuntimeDefinition.OpenFailedException | RuntimeException e) {
      opened.forEach(RuntimeAdapter::close);
      throw e;
    }
  }

  private record Binder(LaunchProfiles profiles, Map<String, Long> facts) {
    List<RuntimeDefinition> file(Object tree) {
      Map<String, Object> root = object(tree, "the document");
      allowOnly(root, "", Set.of("runtimes"));
      List<Object> nodes = array(root.get("runtimes"), "runtimes");
      List<RuntimeDefinition> out = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < nodes.size(); i++) {
        String path = "runtimes[" + i + "]";
        RuntimeDefinition d;
        try {
          d = runtime(object(nodes.get(i), "the runtime"));
        } catch (IllegalArgumentException e) {
          throw within(path, e);
        }
        if (!ids.add(d.id())) {
          throw new IllegalArgumentException(path + ".id: '" + d.id() + "' is used twice");
        }
        out.add(d);
      }
      return out;
    }

    private RuntimeDefinition runtime(Map<String, Object> m) {
      String kind = string(m.get("kind"), "kind");
      return switch (kind) {
        case "http" -> launch(m);
        case "attach" -> attach(m);
        case "triton" -> triton(m);
        case "command" -> command(m);
        default ->
            throw new IllegalArgumentException(
                "kind: must be one of " + KINDS + ", got '" + kind + "'");
      };
    }

    private Launch launch(Map<String, Object> m) {
      allowOnly(
          m,
          "",
          Set.of(
              "kind",
              "id",
              "profile",
              "variables",
              "environment",
              "host",
              "port",
              "initial",
              "readyTimeoutSeconds",
              "stopGraceSeconds",
              "directory"));
      LaunchProfile profile = profile(m);
      String id = id(m, profile.name());
      var variables = variables(m);
      var environment = strings(m, "environment");
      String host = m.containsKey("host") ? string(m.get("host"), "host") : "127.0.0.1";
      long port = m.containsKey("port") ? JsonTree.integer(m.get("port"), "port") : 0;
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: must be in [0, 65535], got " + port);
      }
      Configuration initial = initial(m, profile);
      var readyTimeout = seconds(m, "readyTimeoutSeconds");
      var stopGrace = seconds(m, "stopGraceSeconds");
      Optional<Path> directory =
          m.containsKey("directory")
              ? Optional.of(Path.of(string(m.get("directory"), "directory")))
              : Optional.empty();
      return field(
          "id",
          () ->
              new Launch(
                  id,
                  profile,
                  variables,
                  environment,
                  host,
                  (int) port,
                  initial,
                  readyTimeout,
                  stopGrace,
                  directory));
    }

    private Attach attach(Map<String, Object> m) {
      allowOnly(
          m,
          "",
          Set.of(
              "kind",
              "id",
              "profile",
              "url",
              "healthUrl",
              "metricsUrl",
              "variables",
              "initial",
              "reconfigure",
              "liveReconfigurable",
              "readyTimeoutSeconds"));
      LaunchProfile profile = profile(m);
      Optional<Reconfigure> reconfigure =
          m.containsKey("reconfigure")
              ? Optional.of(reconfigure(object(m.get("reconfigure"), "reconfigure")))
              : Optional.empty();
      String id = id(m, profile.name());
      URI url = url(m.get("url"), "url");
      Optional<URI> health = optionalUrl(m, "healthUrl");
      Optional<URI> metrics = optionalUrl(m, "metricsUrl");
      var variables = variables(m);
      Configuration initial = initial(m, profile);
      boolean live =
          m.containsKey("liveReconfigurable")
              && JsonTree.bool(m.get("liveReconfigurable"), "liveReconfigurable");
      var readyTimeout = seconds(m, "readyTimeoutSeconds");
      return field(
          "id",
          () ->
              new Attach(
                  id,
                  profile,
                  url,
                  health,
                  metrics,
                  variables,
                  initial,
                  reconfigure,
                  live,
                  readyTimeout));
    }

    private Reconfigure reconfigure(Map<String, Object> m) {
      allowOnly(m, "reconfigure.", Set.of("webhook", "command", "stdin", "environment"));
      boolean webhook = m.containsKey("webhook");
      if (webhook == m.containsKey("command")) {
        throw new IllegalArgumentException("reconfigure: give exactly one of webhook, command");
      }
      if (webhook) {
        for (String onlyCommand : List.of("stdin", "environment")) {
          if (m.containsKey(onlyCommand)) {
            throw new IllegalArgumentException(
                "reconfigure." + onlyCommand + ": applies to a command only");
          }
        }
        return new Webhook(url(m.get("webhook"), "reconfigure.webhook"));
      }
      List<String> command = JsonTree.strings(m.get("command"), "reconfigure.command");
      if (command.isEmpty() || command.get(0).isBlank()) {
        throw new IllegalArgumentException("reconfigure.command: must name a program");
      }
      return new ReconfigureCommand(
          command,
          m.containsKey("stdin") && JsonTree.bool(m.get("stdin"), "reconfigure.stdin"),
          strings(m, "environment", "reconfigure.environment"));
    }

    private Triton triton(Map<String, Object> m) {
      allowOnly(
          m,
          "",
          Set.of(
              "kind",
              "id",
              "url",
              "metricsUrl",
              "model",
              "maxBatchSizes",
              "maxQueueDelayMicros",
              "maxInstances",
              "instanceKinds",
              "readyTimeoutSeconds",
              "loadTimeoutSeconds",
              "requestTimeoutSeconds"));
      Optional<List<Long>> sizes = Optional.empty();
      if (m.containsKey("maxBatchSizes")) {
        List<Long> list = new ArrayList<>();
        List<Object> nodes = array(m.get("maxBatchSizes"), "maxBatchSizes");
        for (int i = 0; i < nodes.size(); i++) {
          list.add(JsonTree.integer(nodes.get(i), "maxBatchSizes[" + i + "]"));
        }
        sizes = Optional.of(list);
      }
      Optional<List<Long>> batchSizes = sizes;
      String id = id(m, "triton");
      URI url = url(m.get("url"), "url");
      Optional<URI> metrics = optionalUrl(m, "metricsUrl");
      String model = string(m.get("model"), "model");
      Optional<Long> queueDelay = optionalLong(m, "maxQueueDelayMicros");
      Optional<Long> instances = optionalLong(m, "maxInstances");
      Optional<List<String>> kinds =
          m.containsKey("instanceKinds")
              ? Optional.of(JsonTree.strings(m.get("instanceKinds"), "instanceKinds"))
              : Optional.empty();
      var readyTimeout = seconds(m, "readyTimeoutSeconds");
      var loadTimeout = seconds(m, "loadTimeoutSeconds");
      var requestTimeout = seconds(m, "requestTimeoutSeconds");
      Triton t =
          field(
              "id",
              () ->
                  new Triton(
                      id,
                      url,
                      metrics,
                      model,
                      batchSizes,
                      queueDelay,
                      instances,
                      kinds,
                      readyTimeout,
                      loadTimeout,
                      requestTimeout));
      // The builder's checks (batch sizes >= 1, known instance kinds) now, not at start.
      TritonRuntimeAdapter.Builder check = TritonRuntimeAdapter.builder();
      batchSizes.ifPresent(v -> field("maxBatchSizes", () -> check.maxBatchSizes(v)));
      queueDelay.ifPresent(v -> field("maxQueueDelayMicros", () -> check.maxQueueDelayMicros(v)));
      instances.ifPresent(v -> field("maxInstances", () -> check.maxInstances(v)));
      kinds.ifPresent(v -> field("instanceKinds", () -> check.instanceKinds(v)));
      field("model", () -> check.model(model));
      return t;
    }

    private RuntimeDefinition.Command command(Map<String, Object> m) {
      allowOnly(
          m,
          "",
          Set.of(
              "kind",
              "id",
              "command",
              "mode",
              "metricsFrom",
              "timeoutSeconds",
              "environment",
              "knobs"));
      String id = Names.require("runtime", string(m.get("id"), "id"));
      CommandSpec.Builder b =
          CommandSpec.builder(
              id, JsonTree.strings(m.get("command"), "command").toArray(String[]::new));
      if (m.containsKey("mode")) {
        b.mode(enumValue(CommandSpec.Mode.class, m.get("mode"), "mode"));
      }
      if (m.containsKey("metricsFrom")) {
        b.metricsFrom(
            enumValue(CommandSpec.MetricsFrom.class, m.get("metricsFrom"), "metricsFrom"));
      }
      seconds(m, "timeoutSeconds").ifPresent(b::timeout);
      b.environment(strings(m, "environment"));
      List<Object> knobs = array(m.get("knobs"), "knobs");
      if (knobs.isEmpty()) {
        throw new IllegalArgumentException("knobs: a command needs at least one knob to tune");
      }
      if ("streaming".equals(m.get("mode")) && "file".equals(m.get("metricsFrom"))) {
        throw new IllegalArgumentException(
            "metricsFrom: a streaming program reports its metrics on stdout, not in a file");
      }
      for (int i = 0; i < knobs.size(); i++) {
        String path = "knobs[" + i + "]";
        try {
          b.knob(knob(object(knobs.get(i), "the knob")));
        } catch (IllegalArgumentException e) {
          throw within(path, e);
        }
      }
      return field("command", () -> new RuntimeDefinition.Command(b.build()));
    }

    private CommandSpec.Knob knob(Map<String, Object> m) {
      allowOnly(
          m,
          "",
          Set.of(
              "name", "type", "min", "max", "log", "step", "values", "default", "flag", "env",
              "stdin"));
      Parameter p = LaunchProfiles.parameter(m, facts);
      Object value = LaunchProfiles.value(m.get("default"), "default", facts);
      List<String> passing =
          List.of("flag", "env", "stdin").stream().filter(m::containsKey).toList();
      if (passing.size() != 1) {
        throw new IllegalArgumentException(
            "give exactly one of flag, env, stdin (got " + passing + ")");
      }
      Object canonical;
      try {
        canonical = p.canonical(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("default: " + e.getMessage(), e);
      }
      return switch (passing.get(0)) {
        case "flag" -> CommandSpec.Knob.flag(p, canonical, string(m.get("flag"), "flag"));
        case "env" -> CommandSpec.Knob.env(p, canonical, string(m.get("env"), "env"));
        default -> {
          if (!JsonTree.bool(m.get("stdin"), "stdin")) {
            throw new IllegalArgumentException("stdin: true, or give flag or env instead");
          }
          yield CommandSpec.Knob.stdin(p, canonical);
        }
      };
    }

    private LaunchProfile profile(Map<String, Object> m) {
      String name = string(m.get("profile"), "profile");
      return profiles
          .find(name)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "profile: no launch profile '" + name + "'; known: " + profiles.names()));
    }

    private static String id(Map<String, Object> m, String fallback) {
      return m.containsKey("id") ? string(m.get("id"), "id") : fallback;
    }

    private static Map<String, List<String>> variables(Map<String, Object> m) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      if (m.containsKey("variables")) {
        object(m.get("variables"), "variables")
            .forEach(
                (k, v) -> {
                  if (RESERVED_VARIABLES.contains(k)) {
                    throw new IllegalArgumentException(
                        "variables." + k + ": {" + k + "} is set by Infertune; use host and port");
                  }
                  out.put(k, JsonTree.stringOrStrings(v, "variables." + k));
                });
      }
      return out;
    }

    private static Map<String, String> strings(Map<String, Object> m, String field) {
      return strings(m, field, field);
    }

    private static Map<String, String> strings(Map<String, Object> m, String field, String path) {
      Map<String, String> out = new LinkedHashMap<>();
      if (m.containsKey(field)) {
        object(m.get(field), path).forEach((k, v) -> out.put(k, string(v, path + "." + k)));
      }
      return out;
    }

    private static Configuration initial(Map<String, Object> m, LaunchProfile profile) {
      if (!m.containsKey("initial")) {
        return profile.defaults();
      }
      Map<String, Object> values = new LinkedHashMap<>(object(m.get("initial"), "initial"));
      try {
        return profile.knobSpace().validate(profile.defaults().overlay(new Configuration(values)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("initial: " + e.getMessage(), e);
      }
    }

    private static URI url(Object node, String field) {
      String s = string(node, field);
      try {
        URI u = new URI(s);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
          throw new IllegalArgumentException(field + ": must be an http(s) URL, got '" + s + "'");
        }
        return u;
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(field + ": not a URL: " + e.getMessage(), e);
      }
    }

    private static Optional<URI> optionalUrl(Map<String, Object> m, String field) {
      return m.containsKey(field) ? Optional.of(url(m.get(field), field)) : Optional.empty();
    }

    private static Optional<Long> optionalLong(Map<String, Object> m, String field) {
      return m.containsKey(field)
          ? Optional.of(JsonTree.integer(m.get(field), field))
          : Optional.empty();
    }

    private static Optional<Duration> seconds(Map<String, Object> m, String field) {
      if (!m.containsKey(field)) {
        return Optional.empty();
      }
      double s = JsonTree.number(m.get(field), field);
      if (!(s > 0) || s > 86_400) {
        throw new IllegalArgumentException(field + ": must be in (0, 86400], got " + s);
      }
      return Optional.of(Duration.ofNanos(Math.round(s * 1e9)));
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, Object node, String field) {
      String s = string(node, field);
      try {
        return Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        List<String> names = new ArrayList<>();
        for (E c : type.getEnumConstants()) {
          names.add(c.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(
            field + ": must be one of " + names + ", got '" + s + "'", e);
      }
    }

    /** {@code e}, its field named as below {@code path} ({@code runtimes[0]}, {@code knobs[1]}). */
    private static IllegalArgumentException within(String path, IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      String unknown = "unknown field '";
      return new IllegalArgumentException(
          msg.startsWith(unknown)
              ? unknown + path + "." + msg.substring(unknown.length())
              : path + "." + msg,
          e);
    }

    /**
     * Makes a value whose own checks (an id's syntax, a builder's ranges) concern {@code field}.
     */
    private static <T> T field(String field, java.util.function.Supplier<T> make) {
      try {
        return make.get();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
      }
    }
  }
}
