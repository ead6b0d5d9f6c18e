package io.infertune.runtime.command;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to run a program that {@link CommandRuntimeAdapter} tunes: its command line, its knobs and
 * how each reaches it, how long a run may take, and where its metrics come from. Validates on
 * construction; build it with {@link #builder}.
 *
 * @param id the adapter's identifier
 * @param command the program and its fixed arguments; the placeholder {@value #METRICS_FILE} in an
 *     argument is replaced with the path of the metrics file (with {@link MetricsFrom#FILE})
 * @param knobs the knobs, in order
 * @param mode whether a measurement runs the program once or samples it while it runs
 * @param metricsFrom where its metrics are read
 * @param timeout how long one run may take ({@link Mode#ONE_SHOT}), or until the first metrics line
 *     ({@link Mode#STREAMING})
 * @param environment variables added to every run's environment
 */
public record CommandSpec(
    String id,
    List<String> command,
    List<Knob> knobs,
    Mode mode,
    MetricsFrom metricsFrom,
    Duration timeout,
    Map<String, String> environment) {

  /** The placeholder for the metrics file's path, in arguments and as an environment variable. */
  public static final String METRICS_FILE = "{metrics_file}";

  /** The environment variable that names the metrics file, with {@link MetricsFrom#FILE}. */
  public static final String METRICS_FILE_ENV = "INFERTUNE_METRICS_FILE";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** How a measurement uses the program. */
  public enum Mode {
    /**
     * Each sample runs the program once with the configuration in force and reads its final JSON
     * object of metrics (e.g. {@code {"throughput_rps": 812.5, "latency_p95_ms": 41.2}}).
     */
    ONE_SHOT,
    /**
     * The program runs while its configuration is in force and prints one JSON object of metrics
     * per line (cumulative counters such as {@code requests}, and gauges); a sample reads the last.
     */
    STREAMING
  }

  /** Where the program's metrics are read. */
  public enum MetricsFrom {
    /**
     * The last line of its output that is a JSON object. Its stderr is merged into the same stream
     * (as the http adapter's log tail), so diagnostics there must not be JSON objects.
     */
    STDOUT,
    /**
     * A file whose path Infertune names ({@value #METRICS_FILE} in the command, {@value
     * #METRICS_FILE_ENV} in the environment), read once the program exited: one-shot only.
     */
    FILE
  }

  /** How a knob's value reaches the program. */
  public enum Passing {
    /** As {@code <name> <value>} on the command line, e.g. {@code --batch-size 16}. */
    FLAG,
    /** As the environment variable {@code <name>}. */
    ENV,
    /** As a field of one JSON object written to its stdin, named as the knob. */
    STDIN_JSON
  }

  /**
   * A knob of the program.
   *
   * @param parameter its name and valid values
   * @param defaultValue the value the program runs with unless told otherwise
   * @param passing how it is passed
   * @param name the flag ({@code --batch-size}) or the environment variable; the knob's name for
   *     {@link Passing#STDIN_JSON}
   */
  public record Knob(Parameter parameter, Object defaultValue, Passing passing, String name) {
    public Knob {
      Objects.requireNonNull(parameter, "parameter");
      Objects.requireNonNull(defaultValue, "defaultValue");
      Objects.requireNonNull(passing, "passing");
      Objects.requireNonNull(name, "name");
      if (!parameter.contains(defaultValue)) {
        throw new IllegalArgumentException(
            "knob '"
                + parameter.name()
                + "': default "
                + defaultValue
                + " is outside its valid values");
      }
      switch (passing) {
        case FLAG -> {
          if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                "knob '" + parameter.name() + "': flag '" + name + "' is blank or has spaces");
          }
        }
        case ENV -> {
          if (!ENV_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                "knob '" + parameter.name() + "': '" + name + "' is no environment variable name");
          }
        }
        case STDIN_JSON -> {
          if (!name.equals(parameter.name())) {
            throw new IllegalArgumentException(
                "knob '" + parameter.name() + "': a JSON field is named as its knob, not " + name);
          }
        }
      }
    }

    public static Knob flag(Parameter parameter, Object defaultValue, String flag) {
      return new Knob(parameter, defaultValue, Passing.FLAG, flag);
    }

    public static Knob env(Parameter parameter, Object defaultValue, String variable) {
      return new Knob(parameter, defaultValue, Passing.ENV, variable);
    }

    public static Knob stdin(Parameter parameter, Object defaultValue) {
      return new Knob(parameter, defaultValue, Passing.STDIN_JSON, parameter.name());
    }
  }

  public CommandSpec {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id is blank");
    }
    command = List.copyOf(command);
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw new IllegalArgumentException("command is empty");
    }
    knobs = List.copyOf(knobs);
    if (knobs.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least one knob to tune");
    }
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(metricsFrom, "metricsFrom");
    Objects.requireNonNull(timeout, "timeout");
    if (!timeout.isPositive()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    environment = Map.copyOf(environment);
    if (mode == Mode.STREAMING && metricsFrom == MetricsFrom.FILE) {
      // A file is read after the exit; a streaming program does not exit while it serves.
      throw new IllegalArgumentException("a streaming program reports its metrics on stdout");
    }
    Set<String> flagsAndVariables = new HashSet<>();
    for (Knob k : knobs) {
      if (k.passing() != Passing.STDIN_JSON && !flagsAndVariables.add(k.name())) {
        throw new IllegalArgumentException("two knobs are passed as '" + k.name() + "'");
      }
    }
    // Also rejects duplicate knob names.
    new SearchSpace(knobs.stream().map(Knob::parameter).toList());
  }

  /** The knobs as a search space. */
  public SearchSpace space() {
    return new SearchSpace(knobs.stream().map(Knob::parameter).toList());
  }

  /** The configuration of every knob's default. */
  public Configuration defaults() {
    Configuration c = Configuration.empty();
    for (Knob k : knobs) {
      c = c.with(k.parameter().name(), k.defaultValue());
    }
    return space().validate(c);
  }

  public static Builder builder(String id, String... command) {
    return new Builder(id, List.of(command));
  }

  /** Builds a {@link CommandSpec}: a one-shot program read from stdout, 60 s a run, by default. */
  public static final class Builder {
    private final String id;
    private final List<String> command;
    private final List<Knob> knobs = new ArrayList<>();
    private Mode mode = Mode.ONE_SHOT;
    private MetricsFrom metricsFrom = MetricsFrom.STDOUT;
    private Duration timeout = Duration.ofSeconds(60);
    private Map<String, String> environment = Map.of();

    private Builder(String id, List<String> command) {
      this.id = id;
      this.command = command;
    }

    public Builder knob(Knob knob) {
      knobs.add(Objects.requireNonNull(knob, "knob"));
      return this;
    }

    public Builder mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    public Builder metricsFrom(MetricsFrom metricsFrom) {
      this.metricsFrom = metricsFrom;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder environment(Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    /**
     * @throws IllegalArgumentException when the specification is inconsistent
     */
    public CommandSpec build() {
      return new CommandSpec(id, command, knobs, mode, metricsFrom, timeout, environment);
    }
  }
}
