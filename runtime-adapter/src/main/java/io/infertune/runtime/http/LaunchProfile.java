package io.infertune.runtime.http;

import io.infertune.runtime.openai.ApiKind;
import io.infertune.runtime.prometheus.MetricMapping;
import io.infertune.tuner.space.CategoricalParameter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.OrdinalParameter;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How to run one kind of OpenAI-compatible server and turn its knobs: a command template, each
 * knob's values and how it becomes a flag or an environment variable, when the server is ready, how
 * its Prometheus metrics map onto Infertune's, which API the load goes to, and what its log says
 * when a start fails. Profiles are data ({@link LaunchProfiles} reads them from JSON), so a user
 * adds a runtime without code.
 *
 * <p>A configuration becomes a command line by appending, in knob order, each knob's rendering to
 * the expanded {@link #command} (or putting them where the template says {@code {flags}}). Every
 * knob is rendered explicitly, except for the values its {@code omit} lists, so that the process's
 * command line says what it runs with.
 *
 * @param name the profile's name, also the runtime kind
 * @param sources the documents the flags and values were taken from, for the reader
 * @param command the program and its arguments, with {@code {variable}} placeholders ({@link
 *     Templates}); {@code {port}}, {@code {host}} and {@code {flags}} are always known
 * @param variables default values of variables; those given at launch win
 * @param environment variables set for the process, with placeholders
 * @param knobs the knobs, in the order they are rendered and searched
 * @param effectiveConfig where the runtime reports the configuration it really runs, if it does
 * @param failures log patterns that classify a failed start, beyond the {@link FailureClassifier}'s
 * @param stopGrace how long a stop waits after SIGTERM before it kills
 * @implNote immutable; thread-safe.
 */
public record LaunchProfile(
    String name,
    Optional<String> description,
    List<String> sources,
    List<String> command,
    Map<String, List<String>> variables,
    Map<String, String> environment,
    List<Knob> knobs,
    Readiness readiness,
    MetricsEndpoint metrics,
    Api api,
    Optional<EffectiveConfig> effectiveConfig,
    FailurePatterns failures,
    Duration stopGrace) {

  /** The variable that holds the rendered knob flags. */
  public static final String FLAGS = "flags";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public LaunchProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    sources = List.copyOf(sources);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must name a program");
    }
    command = List.copyOf(command);
    Map<String, List<String>> vars = new LinkedHashMap<>();
    variables.forEach((k, v) -> vars.put(k, List.copyOf(v)));
    variables = java.util.Collections.unmodifiableMap(vars);
    environment = Map.copyOf(environment);
    for (String e : environment.keySet()) {
      requireEnvName(e);
    }
    knobs = List.copyOf(knobs);
    if (knobs.isEmpty()) {
      throw new IllegalArgumentException("a profile needs at least one knob");
    }
    Set<String> flagsSeen = new LinkedHashSet<>();
    Set<String> envSeen = new LinkedHashSet<>(environment.keySet());
    for (Knob k : knobs) {
      for (String f : k.rendering().flagNames()) {
        if (!flagsSeen.add(f)) {
          throw new IllegalArgumentException("flag " + f + " is rendered by two knobs");
        }
      }
      if (k.rendering() instanceof Env env && !envSeen.add(env.variable())) {
        throw new IllegalArgumentException(
            "environment variable " + env.variable() + " is set twice");
      }
    }
    SearchSpace space = new SearchSpace(knobs.stream().map(Knob::parameter).toList());
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(effectiveConfig, "effectiveConfig");
    effectiveConfig.ifPresent(
        e -> {
          for (String knob : e.labels().keySet()) {
            if (space.find(knob).isEmpty()) {
              throw new IllegalArgumentException(
                  "effectiveConfig.labels names unknown knob '" + knob + "'");
            }
          }
        });
    Objects.requireNonNull(failures, "failures");
    if (stopGrace.isNegative()) {
      throw new IllegalArgumentException("stopGrace must not be negative");
    }
  }

  /** The knobs as a search space, in declaration order. */
  public SearchSpace knobSpace() {
    return new SearchSpace(knobs.stream().map(Knob::parameter).toList());
  }

  /** Every knob's default: the configuration a launch starts with unless told otherwise. */
  public Configuration defaults() {
    Map<String, Object> m = new LinkedHashMap<>();
    knobs.forEach(k -> m.put(k.name(), k.defaultValue()));
    return new Configuration(m);
  }

  /**
   * The process that runs {@code configuration}.
   *
   * @param configuration a value for every knob (validated against {@link #knobSpace()})
   * @param launchVariables variables of this launch ({@code port}, {@code host}, {@code model}...),
   *     laid over the profile's {@link #variables}
   * @throws IllegalArgumentException when the configuration is invalid or a placeholder has no
   *     variable
   */
  public Launch render(Configuration configuration, Map<String, List<String>> launchVariables) {
    Rendered r = renderKnobs(configuration);
    Map<String, List<String>> vars = variables(launchVariables);
    vars.put(FLAGS, r.args());
    List<String> argv = Templates.expand(command, vars, "profile " + name + ": command");
    if (!command.contains("{" + FLAGS + "}")) {
      argv = new ArrayList<>(argv);
      argv.addAll(r.args());
    }
    Map<String, String> env = new TreeMap<>();
    environment.forEach(
        (k, v) ->
            env.put(k, Templates.expandOne(v, vars, "profile " + name + ": environment." + k)));
    env.putAll(r.environment());
    return new Launch(argv, env);
  }

  /**
   * The flags and environment variables of {@code configuration} alone, without the command (what
   * an attached server's reconfiguration command or webhook receives).
   */
  public Rendered renderKnobs(Configuration configuration) {
    Configuration c = knobSpace().validate(configuration);
    List<String> args = new ArrayList<>();
    Map<String, String> env = new TreeMap<>();
    for (Knob k : knobs) {
      k.render(c.get(k.name()), args, env);
    }
    return new Rendered(args, env);
  }

  /** The profile's variables overlaid with {@code launchVariables}, in a mutable copy. */
  Map<String, List<String>> variables(Map<String, List<String>> launchVariables) {
    Map<String, List<String>> vars = new HashMap<>(variables);
    launchVariables.forEach((k, v) -> vars.put(k, List.copyOf(v)));
    return vars;
  }

  /** The text a knob value is written as: integers as digits, reals in plain decimal. */
  public static String text(Object value) {
    if (value instanceof Double d) {
      // 0.9, not 0.9000000000000000222 nor 9.0E-1: what a person (and argparse's float()) writes.
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    return String.valueOf(value);
  }

  static String requireEnvName(String name) {
    if (name == null || !ENV_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not an environment variable name");
    }
    return name;
  }

  /** A process to start: its arguments and the environment variables to set. */
  public record Launch(List<String> command, Map<String, String> environment) {
    public Launch {
      command = List.copyOf(command);
      environment = Map.copyOf(environment);
    }
  }

  /** The knobs of a configuration as flags and environment variables. */
  public record Rendered(List<String> args, Map<String, String> environment) {
    public Rendered {
      args = List.copyOf(args);
      environment = Map.copyOf(environment);
    }
  }

  /**
   * One knob: its values (a {@link Parameter}), the value the profile starts with, and how a value
   * reaches the server.
   *
   * @param omit values rendered as nothing, leaving the server's own default (e.g. {@code none} for
   *     "no {@code --quantization} flag")
   */
  public record Knob(
      Parameter parameter, Object defaultValue, Rendering rendering, Set<Object> omit) {
    public Knob {
      Objects.requireNonNull(parameter, "parameter");
      if (parameter.when().isPresent()) {
        throw new IllegalArgumentException(
            "knob " + parameter.name() + ": conditional knobs are not supported in profiles");
      }
      defaultValue = canonical(parameter, defaultValue, "default");
      Set<Object> o = new LinkedHashSet<>();
      for (Object v : omit) {
        o.add(canonical(parameter, v, "omit"));
      }
      omit = java.util.Collections.unmodifiableSet(o);
      Objects.requireNonNull(rendering, "rendering");
      if (rendering instanceof Switch s) {
        if (!(parameter instanceof CategoricalParameter || parameter instanceof OrdinalParameter)) {
          throw new IllegalArgumentException(
              "knob " + parameter.name() + ": a switch needs a categorical or ordinal knob");
        }
        Map<Object, String> flags = new LinkedHashMap<>();
        s.flags().forEach((v, f) -> flags.put(canonical(parameter, v, "switch"), f));
        rendering = new Switch(flags);
      }
    }

    public String name() {
      return parameter.name();
    }

    void render(Object value, List<String> args, Map<String, String> env) {
      Object v = parameter.canonical(value);
      if (omit.contains(v)) {
        return;
      }
      switch (rendering) {
        case Flag f -> {
          if (f.equalsSign()) {
            args.add(f.flag() + "=" + text(v));
          } else {
            args.add(f.flag());
            args.add(text(v));
          }
        }
        case Switch s -> {
          String flag = s.flags().get(v);
          if (flag != null) {
            args.add(flag);
          }
        }
        case Env e -> env.put(e.variable(), text(v));
      }
    }

    private static Object canonical(Parameter p, Object v, String field) {
      try {
        return p.canonical(v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "knob " + p.name() + ": " + field + " value " + v + " is not a value of the knob", e);
      }
    }
  }

  /** How a knob's value reaches the server. */
  public sealed interface Rendering permits Flag, Switch, Env {
    /** The flags this rendering may write. */
    List<String> flagNames();
  }

  /** A flag with a value: {@code --flag value}, or {@code --flag=value} when {@code equalsSign}. */
  public record Flag(String flag, boolean equalsSign) implements Rendering {
    public Flag {
      requireFlag(flag);
    }

    @Override
    public List<String> flagNames() {
      return List.of(flag);
    }
  }

  /**
   * A flag without a value, chosen by the knob's value: {@code {"on": "--enable-prefix-caching",
   * "off": "--no-enable-prefix-caching"}}; a value without a flag renders nothing.
   */
  public record Switch(Map<Object, String> flags) implements Rendering {
    public Switch {
      if (flags.isEmpty()) {
        throw new IllegalArgumentException("a switch needs at least one flag");
      }
      flags.values().forEach(LaunchProfile::requireFlag);
      flags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flags));
    }

    @Override
    public List<String> flagNames() {
      return List.copyOf(new LinkedHashSet<>(flags.values()));
    }
  }

  /** An environment variable set to the value. */
  public record Env(String variable) implements Rendering {
    public Env {
      requireEnvName(variable);
    }

    @Override
    public List<String> flagNames() {
      return List.of();
    }
  }

  private static void requireFlag(String flag) {
    if (flag == null || !flag.startsWith("-") || flag.isBlank() || flag.matches(".*\\s.*")) {
      throw new IllegalArgumentException("'" + flag + "' is not a flag (it must start with '-')");
    }
  }

  /**
   * When a started server is ready: {@code GET path} answers {@code status}.
   *
   * @param timeout how long a start may take (model loading included)
   * @param interval between two probes
   */
  public record Readiness(String path, int status, Duration timeout, Duration interval) {
    public Readiness {
      requirePath(path, "readiness.path");
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException(
            "readiness.status must be an HTTP status, got " + status);
      }
      if (!timeout.isPositive() || !interval.isPositive()) {
        throw new IllegalArgumentException("readiness timeout and interval must be positive");
      }
    }
  }

  /** Where the server's Prometheus page is and how its series map onto Infertune's. */
  public record MetricsEndpoint(String path, MetricMapping mapping) {
    public MetricsEndpoint {
      requirePath(path, "metrics.path");
      Objects.requireNonNull(mapping, "mapping");
    }
  }

  /**
   * Where load goes: the OpenAI-compatible endpoint of {@code kind}, at {@code path} below the
   * server's root (the kind's own path unless the profile says otherwise).
   *
   * @param model the {@code model} of requests, with placeholders ({@code {model}})
   * @param maxTokens output tokens asked of generative endpoints when a request does not say
   * @param stream whether generations are streamed (server-sent events), so that time to first
   *     token and inter-token latency are measured at the client; never for embeddings
   */
  public record Api(ApiKind kind, String path, String model, int maxTokens, boolean stream) {
    public Api {
      Objects.requireNonNull(kind, "kind");
      requirePath(path, "api.path");
      Objects.requireNonNull(model, "model");
      if (maxTokens < 1) {
        throw new IllegalArgumentException("api.maxTokens must be >= 1, got " + maxTokens);
      }
      if (stream && !kind.generative()) {
        throw new IllegalArgumentException("api.stream: embeddings are not streamed");
      }
    }
  }

  /**
   * An info metric whose labels say the configuration in force (vLLM's {@code
   * vllm:cache_config_info}): after a push, each listed knob's value must equal its label's, or the
   * push did not take.
   *
   * @param series the sample name, as written on the page
   * @param labels knob name to label name
   */
  public record EffectiveConfig(String series, Map<String, String> labels) {
    public EffectiveConfig {
      Objects.requireNonNull(series, "series");
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("effectiveConfig.labels must name at least one knob");
      }
      labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
  }

  /** Log patterns (regular expressions, searched in each line) that say why a start failed. */
  public record FailurePatterns(List<Pattern> outOfMemory, List<Pattern> badFlag) {
    public static final FailurePatterns NONE = new FailurePatterns(List.of(), List.of());

    public FailurePatterns {
      outOfMemory = List.copyOf(outOfMemory);
      badFlag = List.copyOf(badFlag);
    }
  }

  private static void requirePath(String path, String field) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(field + " must start with '/', got '" + path + "'");
    }
  }
}
