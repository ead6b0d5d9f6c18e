package io.infertune.experiments.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.space.CategoricalParameter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.FloatParameter;
import io.infertune.tuner.space.IntParameter;
import io.infertune.tuner.space.OrdinalParameter;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * An Optuna sampler behind our ask/tell API: a child process runs {@code optuna_bridge.py} (this
 * module's resource, extracted once per JVM to a temp file) under {@code /usr/bin/python3} and the
 * two speak JSON lines over its stdin/stdout.
 *
 * <p>Mapping of the space: {@link FloatParameter} → {@code FloatDistribution(log)}; {@link
 * IntParameter} → {@code IntDistribution(log, step)} (Optuna allows no step with log: a log integer
 * with a step is sampled with step 1 and snapped here); {@link OrdinalParameter} and {@link
 * CategoricalParameter} → {@code CategoricalDistribution} of their values (Optuna has no ordinal
 * type). Conditional parameters are asked always and dropped here when inactive.
 *
 * <p>Outcomes: a measured trial (COMPLETED or INFEASIBLE) is told its objective value with, when
 * the context has constraints, one number per constraint (how far it is violated; ≤ 0 satisfied).
 * The TPE samplers take these through {@code TPESampler(constraints_func=...)} (experimental in
 * Optuna 3.1); CMA-ES and random take no constraints in 3.1, so the bridge tells them an infeasible
 * trial as {@code TrialState.FAIL}, which they ignore. FAILED and ABORTED trials are told as {@code
 * FAIL}. Trials the bridge never proposed are added with {@code study.add_trial}.
 *
 * <p>{@code CmaEsSampler} samples categorical parameters, and a lone numeric one, with its
 * independent sampler ({@code RandomSampler}), per Optuna's rules: on the serving landscape (one
 * integer, three categoricals) it is random search.
 *
 * @implNote not thread-safe, like every strategy. {@link #close} ends the child process.
 */
public final class OptunaStrategy implements SearchStrategy, AutoCloseable {
  /** The interpreter: Debian's, which has python3-optuna; not whatever python3 is on PATH. */
  public static final Path PYTHON = Path.of("/usr/bin/python3");

  /**
   * One mapper for every bridge (thread-safe once configured). Integers are read as {@code Long},
   * as the tuner's parameters hold them; trailing text after a reply is an error, since each line
   * is exactly one message.
   */
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final TypeReference<Map<String, Object>> MESSAGE = new TypeReference<>() {};

  /** The samplers, by the benchmark's strategy name. */
  public enum Sampler {
    TPE("optuna-tpe", "tpe"),
    TPE_MULTIVARIATE("optuna-tpe-mv", "tpe-multivariate"),
    CMAES("optuna-cmaes", "cmaes"),
    RANDOM("optuna-random", "random");

    private final String strategyName;
    private final String bridgeName;

    Sampler(String strategyName, String bridgeName) {
      this.strategyName = strategyName;
      this.bridgeName = bridgeName;
    }

    public String strategyName() {
      return strategyName;
    }

    public static Optional<Sampler> find(String strategyName) {
      String key = strategyName.strip().toLowerCase(Locale.ROOT);
      for (Sampler s : values()) {
        if (s.strategyName.equals(key)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }

    public static List<String> strategyNames() {
      return java.util.Arrays.stream(values()).map(Sampler::strategyName).toList();
    }
  }

  private static final class Script {
    static final Path PATH = extract();

    private static Path extract() {
      try (InputStream in = OptunaStrategy.class.getResourceAsStream("/optuna_bridge.py")) {
        if (in == null) {
          throw new IllegalStateException("resource optuna_bridge.py is missing");
        }
        Path p = Files.createTempFile("optuna_bridge", ".py");
        p.toFile().deleteOnExit();
        Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        return p;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final SearchSpace space;
  private final List<Constraint> constraints;
  private final Process process;
  private final BufferedWriter toBridge;
  private final BufferedReader fromBridge;
  private final Map<Configuration, ArrayDeque<Long>> pending = new HashMap<>();

  /**
   * Starts the bridge and creates the study.
   *
   * @param startupTrials Optuna's {@code n_startup_trials} (TPE and CMA-ES)
   * @throws IllegalStateException when the bridge cannot start or rejects the space
   */
  public OptunaStrategy(Sampler sampler, StrategyContext context, int startupTrials) {
    this.space = context.space();
    this.constraints = context.constraints();
    try {
      this.process =
          new ProcessBuilder(List.of(PYTHON.toString(), Script.PATH.toString()))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + PYTHON + ": " + e.getMessage(), e);
    }
    this.toBridge =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.fromBridge =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Map<String, Object> create = new LinkedHashMap<>();
    create.put("cmd", "create");
    create.put("space", describe(space));
    create.put("direction", context.objective().direction().wireName());
    create.put("sampler", sampler.bridgeName);
    create.put("seed", context.seed() & 0xFFFF_FFFFL); // numpy seeds must fit in 32 bits
    create.put("n_startup_trials", startupTrials);
    create.put("constrained", !constraints.isEmpty());
    try {
      call(create);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Whether {@link #PYTHON} exists and imports optuna (used by tests to skip). */
  public static boolean available() {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    try {
      Process p =
          new ProcessBuilder(List.of(PYTHON.toString(), "-c", "import optuna"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static List<Object> describe(SearchSpace space) {
    List<Object> out = new ArrayList<>();
    for (Parameter p : space.parameters()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", p.name());
      switch (p) {
        case FloatParameter f -> {
          d.put("type", "float");
          d.put("low", f.min());
          d.put("high", f.max());
          d.put("log", f.log());
        }
        case IntParameter n -> {
          d.put("type", "int");
          d.put("low", n.min());
          long step = n.log() ? 1 : n.step();
          d.put("high", n.min() + ((n.max() - n.min()) / step) * step);
          d.put("step", step);
          d.put("log", n.log());
        }
        case OrdinalParameter o -> {
          d.put("type", "categorical");
          d.put("choices", o.values());
        }
        case CategoricalParameter c -> {
          d.put("type", "categorical");
          d.put("choices", c.values());
        }
      }
      out.add(d);
    }
    return out;
  }

  @Override
  public List<Configuration> ask(int n) {
    List<Configuration> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      Map<String, Object> reply = call(Map.of("cmd", "ask"));
      long number = ((Number) reply.get("number")).longValue();
      Object raw = reply.get("params");
      if (!(raw instanceof Map<?, ?> params)) {
        throw new IllegalStateException("the bridge answered no params: " + reply);
      }
      Configuration c = toConfiguration(params);
      pending.computeIfAbsent(c, x -> new ArrayDeque<>()).add(number);
      out.add(c);
    }
    return out;
  }

  private Configuration toConfiguration(Map<?, ?> params) {
    Map<String, Object> chosen = new LinkedHashMap<>();
    for (Parameter p : space.parameters()) {
      if (!space.isActive(p, chosen)) {
        continue;
      }
      Object v = params.get(p.name());
      if (v == null) {
        throw new IllegalStateException("the bridge gave no value for '" + p.name() + "'");
      }
      if (p instanceof IntParameter n) {
        long x = Math.round(((Number) v).doubleValue());
        long k = Math.round((double) (x - n.min()) / n.step());
        v = Math.min(n.max(), Math.max(n.min(), n.min() + k * n.step()));
      } else if (p instanceof FloatParameter) {
        v = ((Number) v).doubleValue();
      }
      chosen.put(p.name(), p.canonical(v));
    }
    return space.validate(new Configuration(chosen));
  }

  @Override
  public void tell(Trial trial) {
    Configuration c = trial.configuration().restrictTo(space);
    boolean measured = trial.status().measured() && trial.objectiveValue().isPresent();
    Map<String, Object> req = new LinkedHashMap<>();
    ArrayDeque<Long> numbers = pending.get(c);
    if (numbers != null && !numbers.isEmpty()) {
      req.put("cmd", "tell");
      req.put("number", numbers.poll());
      if (numbers.isEmpty()) {
        pending.remove(c);
      }
    } else {
      req.put("cmd", "add");
      req.put("params", c.values());
    }
    if (measured) {
      req.put("value", trial.objectiveValue().getAsDouble());
      if (!constraints.isEmpty()) {
        req.put("constraints", violations(trial.measurement().orElseThrow()));
      }
    } else {
      req.put("failed", true);
    }
    call(req);
  }

  /** Per constraint, how far {@code m} violates it (≤ 0: satisfied; unmeasured: 1). */
  private List<Object> violations(Measurement m) {
    List<Object> out = new ArrayList<>();
    for (Constraint c : constraints) {
      OptionalDouble v = m.value(c.metric());
      if (v.isEmpty()) {
        out.add(1.0);
        continue;
      }
      double x = v.getAsDouble();
      double over = Double.NEGATIVE_INFINITY;
      if (c.max().isPresent()) {
        over = Math.max(over, x - c.max().getAsDouble());
      }
      if (c.min().isPresent()) {
        over = Math.max(over, c.min().getAsDouble() - x);
      }
      out.add(over);
    }
    return out;
  }

  @Override
  public Map<String, Object> state() {
    return Map.of("pending", pending.size());
  }

  private Map<String, Object> call(Map<String, Object> request) {
    try {
      toBridge.write(encode(request));
      toBridge.newLine();
      toBridge.flush();
      String line = fromBridge.readLine();
      if (line == null) {
        throw new IllegalStateException("the Optuna bridge exited (see its stderr above)");
      }
      return decode(line);
    } catch (IOException e) {
      throw new UncheckedIOException("talking to the Optuna bridge", e);
    }
  }

  /**
   * One request line.
   *
   * @throws IllegalArgumentException for a non-finite number, which JSON cannot carry (Jackson
   *     would write it as a string and the bridge would pass that string on to Optuna)
   */
  static String encode(Map<String, Object> request) {
    requireFinite(request);
    try {
      return JSON.writeValueAsString(request);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + request + " as JSON", e);
    }
  }

  private static void requireFinite(Object v) {
    switch (v) {
      case Double d when !Double.isFinite(d) ->
          throw new IllegalArgumentException("JSON has no " + d);
      case Float f when !Float.isFinite(f) ->
          throw new IllegalArgumentException("JSON has no " + f);
      case Map<?, ?> m -> m.values().forEach(OptunaStrategy::requireFinite);
      case List<?> l -> l.forEach(OptunaStrategy::requireFinite);
      case null, default -> {}
    }
  }

  /**
   * One reply line, which must be a JSON object with {@code "ok": true}.
   *
   * @throws IllegalStateException for anything else, with the bridge's error when it gave one
   */
  static Map<String, Object> decode(String line) {
    Map<String, Object> reply;
    try {
      reply = JSON.readValue(line, MESSAGE);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the Optuna bridge answered " + line, e);
    }
    if (reply == null) {
      throw new IllegalStateException("the Optuna bridge answered " + line);
    }
    if (!Boolean.TRUE.equals(reply.get("ok"))) {
      throw new IllegalStateException("the Optuna bridge refused: " + reply.get("error"));
    }
    return reply;
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        try {
          call(Map.of("cmd", "close"));
        } catch (RuntimeException e) {
          // Closing anyway.
        }
      }
      toBridge.close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      fromBridge.close();
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
