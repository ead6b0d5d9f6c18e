package io.infertune.runtime.http;

import static io.infertune.runtime.http.JsonTree.allowOnly;
import static io.infertune.runtime.http.JsonTree.array;
import static io.infertune.runtime.http.JsonTree.object;
import static io.infertune.runtime.http.JsonTree.string;

import io.infertune.runtime.http.LaunchProfile.Api;
import io.infertune.runtime.http.LaunchProfile.EffectiveConfig;
import io.infertune.runtime.http.LaunchProfile.Env;
import io.infertune.runtime.http.LaunchProfile.FailurePatterns;
import io.infertune.runtime.http.LaunchProfile.Flag;
import io.infertune.runtime.http.LaunchProfile.Knob;
import io.infertune.runtime.http.LaunchProfile.MetricsEndpoint;
import io.infertune.runtime.http.LaunchProfile.Readiness;
import io.infertune.runtime.http.LaunchProfile.Rendering;
import io.infertune.runtime.http.LaunchProfile.Switch;
import io.infertune.runtime.openai.ApiKind;
import io.infertune.runtime.prometheus.MetricMapping;
import io.infertune.tuner.space.CategoricalParameter;
import io.infertune.tuner.space.FloatParameter;
import io.infertune.tuner.space.IntParameter;
import io.infertune.tuner.space.OrdinalParameter;
import io.infertune.tuner.space.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The launch profiles Infertune knows: the built-in ones ({@link #BUILT_IN}, JSON resources under
 * {@code io/infertune/runtime/http/profiles/}) and a user's, one {@code <name>.json}, {@code
 * <name>.yaml} or {@code <name>.yml} file per profile in a directory, which override built-ins of
 * the same name.
 *
 * <p>A profile, in JSON (YAML has the same fields; unknown fields are refused, so that a misspelt
 * field does not silently do nothing):
 *
 * <pre>{@code
 * {"name": "vllm",                                   (the file's name without .json)
 *  "description"?: "...", "sources"?: ["where the flags come from"],
 *  "command": ["{vllm}", "serve", "{model}", "--host", "{host}", "--port", "{port}"],
 *  "variables"?: {"vllm": "vllm"},                    (defaults; a string or an array of strings)
 *  "environment"?: {"NAME": "value with {placeholders}"},
 *  "knobs": [                                         (the Parameter shape of the REST API, plus:)
 *    {"name", "type": "int|float|ordinal|categorical", "min", "max", "log"?, "step"?, "values",
 *     "default",                                      (required: what a launch starts with)
 *     "flag": "--max-num-seqs", "equals"?: false      (--flag value, or --flag=value)
 *     | "switch": {"on": "--enable-prefix-caching", "off": "--no-enable-prefix-caching"}
 *     | "env": "CUDA_MEMORY_FRACTION",
 *     "omit"?: ["none"], "note"?: "..."}],
 *  "readiness"?: {"path": "/health", "status": 200, "timeoutSeconds": 300, "intervalMillis": 500},
 *  "metrics": {"path"?: "/metrics", "mapping": "vllm" | "mappings/mine.json"},
 *  "api": {"kind": "embeddings|completions|chat", "path"?, "model": "{model}", "maxTokens"?: 16,
 *          "stream"?: true},                         (default: true for completions and chat)
 *  "effectiveConfig"?: {"series": "vllm:cache_config_info", "labels": {knob: label}},
 *  "failures"?: {"outOfMemory": [regex], "badFlag": [regex]},
 *  "stopGraceSeconds"?: 30}
 * }</pre>
 *
 * <p>A knob's {@code min}, {@code max}, {@code default} and {@code values} may be a fact of the
 * machine written as a placeholder, such as {@code "{cores}"}: the value is known where the server
 * runs, not where the profile is written. A mapping ending in {@code .json} is a {@link
 * MetricMapping} file, relative to the profile's directory (in a subdirectory such as {@code
 * mappings/}: every {@code *.json} and {@code *.yaml} file of the directory itself is read as a
 * profile); otherwise a built-in kind ({@link MetricMapping#KINDS}).
 *
 * @implNote immutable once loaded; thread-safe.
 */
public final class LaunchProfiles {
  /** The profiles shipped as resources. */
  public static final List<String> BUILT_IN =
      List.of("vllm", "llamacpp", "tgi", "sglang", "infertune-runtime");

  /** The fact of the machine knob definitions may use. */
  public static final String CORES = "cores";

  private static final String RESOURCES = "profiles/";
  private static final String SUFFIX = ".json";

  private final Map<String, LaunchProfile> profiles;

  private LaunchProfiles(Map<String, LaunchProfile> profiles) {
    this.profiles = java.util.Collections.unmodifiableMap(new TreeMap<>(profiles));
  }

  /** The built-in profiles, for this machine's cores. */
  public static LaunchProfiles builtIn() {
    try {
      return load(Optional.empty(), defaultFacts());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This machine's facts: {@code cores}, the JVM's available processors. */
  public static Map<String, Long> defaultFacts() {
    return Map.of(CORES, (long) Runtime.getRuntime().availableProcessors());
  }

  /**
   * The built-in profiles and those of {@code userDirectory} (each {@code *.json} file in it), the
   * user's winning over a built-in of the same name.
   *
   * @param facts values of the placeholders knob definitions may use
   * @throws IllegalArgumentException naming the file and the field of what is wrong
   * @throws IOException when the directory or a file cannot be read
   */
  public static LaunchProfiles load(Optional<Path> userDirectory, Map<String, Long> facts)
      throws IOException {
    Map<String, LaunchProfile> out = new LinkedHashMap<>();
    for (String name : BUILT_IN) {
      String resource = RESOURCES + name + SUFFIX;
      try (InputStream in = LaunchProfiles.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + resource);
        }
        out.put(name, read(in, name + SUFFIX, facts, Optional.empty()));
      }
    }
    if (userDirectory.isPresent()) {
      Path dir = userDirectory.get();
      if (!Files.isDirectory(dir)) {
        throw new IOException("profile directory " + dir + " does not exist");
      }
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.{json,yaml,yml}")) {
        s.forEach(files::add);
      }
      files.sort(null);
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          LaunchProfile p = read(in, f.toString(), facts, Optional.of(dir));
          out.put(p.name(), p);
        }
      }
    }
    return new LaunchProfiles(out);
  }

  /** The profile named {@code name}, if known. */
  public Optional<LaunchProfile> find(String name) {
    return Optional.ofNullable(profiles.get(name));
  }

  /**
   * The profile named {@code name}.
   *
   * @throws IllegalArgumentException listing the known names
   */
  public LaunchProfile get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no launch profile '" + name + "'; known: " + profiles.keySet()));
  }

  /** The names of the known profiles, sorted. */
  public List<String> names() {
    return List.copyOf(profiles.keySet());
  }

  /**
   * Reads one profile.
   *
   * @param origin the file's name: the profile's name plus {@code .json}, or {@code .yaml} or
   *     {@code .yml} for YAML
   * @param baseDirectory where a mapping file named by the profile is looked up
   * @throws IllegalArgumentException naming the origin and the field of what is wrong
   */
  public static LaunchProfile read(
      InputStream json, String origin, Map<String, Long> facts, Optional<Path> baseDirectory)
      throws IOException {
    Object tree = JsonTree.parse(json, origin);
    LaunchProfile p;
    try {
      p = new Binder(facts, baseDirectory).profile(tree);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
    String file = Path.of(origin).getFileName().toString();
    String stem = file.substring(0, Math.max(0, file.lastIndexOf('.')));
    if (!stem.equals(p.name())) {
      throw new IllegalArgumentException(
          origin
              + ": the profile is named '"
              + p.name()
              + "'; its file must be "
              + p.name()
              + file.substring(stem.length()));
    }
    return p;
  }

  /**
   * A knob's values in the profile's (the REST API's) parameter shape: {@code name}, {@code type}
   * and {@code min}/{@code max}/{@code log}/{@code step} or {@code values}, facts such as {@code
   * "{cores}"} resolved. Other fields of {@code node} are the caller's to check.
   *
   * @throws IllegalArgumentException naming the field of what is wrong
   */
  public static Parameter parameter(Map<String, Object> node, Map<String, Long> facts) {
    return new Binder(facts, Optional.empty()).parameter(node);
  }

  /**
   * A knob's value as written (a number or a string), or the fact it names ({@code "{cores}"}).
   *
   * @throws IllegalArgumentException naming {@code field}
   */
  public static Object value(Object node, String field, Map<String, Long> facts) {
    return new Binder(facts, Optional.empty()).fact(node, field);
  }

  /** Binds the JSON tree of a profile, naming the path of what is wrong. */
  private record Binder(Map<String, Long> facts, Optional<Path> baseDirectory) {
    LaunchProfile profile(Object tree) {
      Map<String, Object> root = object(tree, "the document");
      allowOnly(
          root,
          "",
          Set.of(
              "name",
              "description",
              "sources",
              "command",
              "variables",
              "environment",
              "knobs",
              "readiness",
              "metrics",
              "api",
              "effectiveConfig",
              "failures",
              "stopGraceSeconds"));
      String name =
          io.infertune.tuner.space.Names.require("profile", string(root.get("name"), "name"));
      List<String> sources =
          root.containsKey("sources")
              ? JsonTree.strings(root.get("sources"), "sources")
              : List.of();
      Map<String, List<String>> variables = new LinkedHashMap<>();
      if (root.containsKey("variables")) {
        object(root.get("variables"), "variables")
            .forEach((k, v) -> variables.put(k, JsonTree.stringOrStrings(v, "variables." + k)));
      }
      Map<String, String> environment = new LinkedHashMap<>();
      if (root.containsKey("environment")) {
        object(root.get("environment"), "environment")
            .forEach((k, v) -> environment.put(k, string(v, "environment." + k)));
      }
      List<Knob> knobs = new ArrayList<>();
      List<Object> knobNodes = array(root.get("knobs"), "knobs");
      for (int i = 0; i < knobNodes.size(); i++) {
        knobs.add(knob(knobNodes.get(i), "knobs[" + i + "]"));
      }
      return new LaunchProfile(
          name,
          root.containsKey("description")
              ? Optional.of(string(root.get("description"), "description"))
              : Optional.empty(),
          sources,
          JsonTree.strings(root.get("command"), "command"),
          variables,
          environment,
          knobs,
          readiness(root.get("readiness")),
          metrics(root.get("metrics")),
          api(root.get("api")),
          root.containsKey("effectiveConfig")
              ? Optional.of(effectiveConfig(root.get("effectiveConfig")))
              : Optional.empty(),
          failures(root.get("failures")),
          root.containsKey("stopGraceSeconds")
              ? seconds(root.get("stopGraceSeconds"), "stopGraceSeconds")
              : Duration.ofSeconds(30));
    }

    private Knob knob(Object node, String path) {
      Map<String, Object> m = object(node, path);
      allowOnly(
          m,
          path + ".",
          Set.of(
              "name", "type", "min", "max", "log", "step", "values", "default", "flag", "equals",
              "switch", "env", "omit", "note"));
      try {
        Parameter p = parameter(m);
        if (!m.containsKey("default")) {
          throw new IllegalArgumentException("default is required");
        }
        List<String> renderings =
            List.of("flag", "switch", "env").stream().filter(m::containsKey).toList();
        if (renderings.size() != 1) {
          throw new IllegalArgumentException(
              "give exactly one of flag, switch, env (got " + renderings + ")");
        }
        if (m.containsKey("equals") && !m.containsKey("flag")) {
          throw new IllegalArgumentException("equals applies only to a flag");
        }
        Rendering r =
            switch (renderings.get(0)) {
              case "flag" ->
                  new Flag(
                      string(m.get("flag"), "flag"),
                      m.containsKey("equals") && JsonTree.bool(m.get("equals"), "equals"));
              case "switch" -> {
                Map<Object, String> flags = new LinkedHashMap<>();
                object(m.get("switch"), "switch")
                    .forEach((v, f) -> flags.put(v, string(f, "switch." + v)));
                yield new Switch(flags);
              }
              default -> new Env(string(m.get("env"), "env"));
            };
        List<Object> omit = new ArrayList<>();
        if (m.containsKey("omit")) {
          for (Object o : array(m.get("omit"), "omit")) {
            omit.add(fact(o, "omit"));
          }
        }
        return new Knob(
            p, fact(m.get("default"), "default"), r, new java.util.LinkedHashSet<>(omit));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
      }
    }

    /** The REST API's Parameter shape (without conditions), facts resolved. */
    private Parameter parameter(Map<String, Object> m) {
      String name = string(m.get("name"), "name");
      String type = string(m.get("type"), "type");
      return switch (type) {
        case "int" -> {
          reject(m, "values", "applies only to ordinal and categorical knobs");
          long min = JsonTree.integer(fact(m.get("min"), "min"), "min");
          long max = JsonTree.integer(fact(m.get("max"), "max"), "max");
          boolean log = m.containsKey("log") && JsonTree.bool(m.get("log"), "log");
          long step = m.containsKey("step") ? JsonTree.integer(m.get("step"), "step") : 1;
          yield new IntParameter(name, min, max, step, log, Optional.empty());
        }
        case "float" -> {
          reject(m, "values", "applies only to ordinal and categorical knobs");
          reject(m, "step", "applies only to int knobs");
          double min = JsonTree.number(fact(m.get("min"), "min"), "min");
          double max = JsonTree.number(fact(m.get("max"), "max"), "max");
          boolean log = m.containsKey("log") && JsonTree.bool(m.get("log"), "log");
          yield new FloatParameter(name, min, max, log, Optional.empty());
        }
        case "ordinal", "categorical" -> {
          for (String key : List.of("min", "max", "log", "step")) {
            reject(m, key, "applies only to int and float knobs; list the values instead");
          }
          List<Object> values = new ArrayList<>();
          for (Object v : array(m.get("values"), "values")) {
            values.add(fact(v, "values"));
          }
          yield type.equals("ordinal")
              ? new OrdinalParameter(name, values, Optional.empty())
              : new CategoricalParameter(name, values, Optional.empty());
        }
        default ->
            throw new IllegalArgumentException(
                "type must be one of int, float, ordinal, categorical, got '" + type + "'");
      };
    }

    /** {@code node}, or the fact it names when it is a placeholder such as {@code "{cores}"}. */
    private Object fact(Object node, String field) {
      if (node == null) {
        throw new IllegalArgumentException(field + " is required");
      }
      if (node instanceof String s) {
        Optional<String> name = Templates.wholePlaceholder(s);
        if (name.isPresent()) {
          Long v = facts.get(name.get());
          if (v == null) {
            throw new IllegalArgumentException(
                field + ": unknown fact {" + name.get() + "} (known: " + facts.keySet() + ")");
          }
          return v;
        }
      }
      if (node instanceof Map) {
        throw new IllegalArgumentException(
            field + " must be a number or a string (in YAML, quote a placeholder: \"{cores}\")");
      }
      if (node instanceof JsonTree.Null || node instanceof List) {
        throw new IllegalArgumentException(field + " must be a number or a string");
      }
      return node;
    }

    private static void reject(Map<String, Object> m, String key, String why) {
      if (m.containsKey(key)) {
        throw new IllegalArgumentException(key + " " + why);
      }
    }

    private Readiness readiness(Object node) {
      Map<String, Object> m = node == null ? Map.of() : object(node, "readiness");
      allowOnly(m, "readiness.", Set.of("path", "status", "timeoutSeconds", "intervalMillis"));
      return new Readiness(
          m.containsKey("path") ? string(m.get("path"), "readiness.path") : "/health",
          m.containsKey("status")
              ? (int) JsonTree.integer(m.get("status"), "readiness.status")
              : 200,
          m.containsKey("timeoutSeconds")
              ? seconds(m.get("timeoutSeconds"), "readiness.timeoutSeconds")
              : Duration.ofMinutes(5),
          m.containsKey("intervalMillis")
              ? Duration.ofMillis(
                  JsonTree.integer(m.get("intervalMillis"), "readiness.intervalMillis"))
              : Duration.ofMillis(500));
    }

    private MetricsEndpoint metrics(Object node) {
      Map<String, Object> m = object(node, "metrics");
      allowOnly(m, "metrics.", Set.of("path", "mapping"));
      String mapping = string(m.get("mapping"), "metrics.mapping");
      return new MetricsEndpoint(
          m.containsKey("path") ? string(m.get("path"), "metrics.path") : "/metrics",
          mapping(mapping));
    }

    private MetricMapping mapping(String mapping) {
      if (!mapping.endsWith(SUFFIX)) {
        try {
          return MetricMapping.forKind(mapping);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("metrics.mapping: " + e.getMessage(), e);
        }
      }
      if (baseDirectory.isEmpty()) {
        throw new IllegalArgumentException(
            "metrics.mapping: a built-in profile must use a built-in mapping, not " + mapping);
      }
      Path file = baseDirectory.get().resolve(mapping);
      try (InputStream in = Files.newInputStream(file)) {
        return MetricMapping.read(in, file.toString());
      } catch (IOException e) {
        throw new IllegalArgumentException("metrics.mapping: cannot read " + file + ": " + e, e);
      }
    }

    private Api api(Object node) {
      Map<String, Object> m = object(node, "api");
      allowOnly(m, "api.", Set.of("kind", "path", "model", "maxTokens", "stream"));
      ApiKind kind;
      try {
        kind = ApiKind.parse(string(m.get("kind"), "api.kind"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("api.kind: " + e.getMessage(), e);
      }
      return new Api(
          kind,
          m.containsKey("path") ? string(m.get("path"), "api.path") : kind.path(),
          string(m.get("model"), "api.model"),
          m.containsKey("maxTokens")
              ? (int) JsonTree.integer(m.get("maxTokens"), "api.maxTokens")
              : 16,
          m.containsKey("stream")
              ? JsonTree.bool(m.get("stream"), "api.stream")
              : kind.generative());
    }

    private EffectiveConfig effectiveConfig(Object node) {
      Map<String, Object> m = object(node, "effectiveConfig");
      allowOnly(m, "effectiveConfig.", Set.of("series", "labels", "note"));
      Map<String, String> labels = new LinkedHashMap<>();
      object(m.get("labels"), "effectiveConfig.labels")
          .forEach((k, v) -> labels.put(k, string(v, "effectiveConfig.labels." + k)));
      return new EffectiveConfig(string(m.get("series"), "effectiveConfig.series"), labels);
    }

    private FailurePatterns failures(Object node) {
      if (node == null) {
        return FailurePatterns.NONE;
      }
      Map<String, Object> m = object(node, "failures");
      allowOnly(m, "failures.", Set.of("outOfMemory", "badFlag"));
      return new FailurePatterns(
          patterns(m.get("outOfMemory"), "failures.outOfMemory"),
          patterns(m.get("badFlag"), "failures.badFlag"));
    }

    private static List<Pattern> patterns(Object node, String what) {
      if (node == null) {
        return List.of();
      }
      List<Pattern> out = new ArrayList<>();
      for (String s : JsonTree.strings(node, what)) {
        try {
          out.add(Pattern.compile(s));
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(what + ": '" + s + "' is not a regular expression", e);
        }
      }
      return out;
    }

    private static Duration seconds(Object node, String what) {
      double s = JsonTree.number(node, what);
      if (!(s >= 0) || s > 86_400) {
        throw new IllegalArgumentException(what + " must be in [0, 86400], got " + s);
      }
      return Duration.ofNanos(Math.round(s * 1e9));
    }
  }
}
