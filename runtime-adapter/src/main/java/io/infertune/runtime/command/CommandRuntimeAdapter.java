package io.infertune.runtime.command;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.infertune.runtime.http.FailureClassifier;
import io.infertune.runtime.http.ManagedProcess;
import io.infertune.runtime.http.StartFailure;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tunes any program: Infertune runs it with the configuration (as flags, environment variables or a
 * JSON object on stdin, per {@link CommandSpec.Knob}) and reads a JSON object of metrics from its
 * stdout or from a file. For custom runtimes, benchmarks and simulators.
 *
 * <p>Two modes ({@link CommandSpec.Mode}):
 *
 * <ul>
 *   <li>one-shot: every {@link MetricSource#sample} runs the program once with the configuration in
 *       force and reads its final metrics object, whose numbers become gauges; vocabulary metrics
 *       it reports ({@code throughput_rps}, {@code latency_p95_ms}, {@code accuracy}) pass through
 *       the {@code Measurer} as their mean over the window. Each run adds its {@code requests}
 *       field (1 when it has none) to the {@code requests} counter, so a window of runs counts as
 *       served. {@link #apply} runs it once too, so that a configuration it fails on fails the
 *       trial with a classified reason rather than the measurement;
 *   <li>streaming: the program runs while its configuration is in force and prints one metrics
 *       object per line; a sample reads the last such line. Fields named as the {@link Metrics}
 *       {@code SOURCE_*} counters ({@code requests}, {@code request_errors}, ...) are cumulative
 *       counters, the others gauges. {@link #apply} restarts it and waits for its first line.
 * </ul>
 *
 * <p>{@link #requests()}: the program generates its own load, so the sink sends nothing anywhere.
 * It completes each request at once and counts it as a completed request with no latency (counter
 * {@code requests}, histogram {@code request_latency_seconds}), so that a workload's submissions
 * are visible; a program that reports its own {@code requests} dominates that count.
 *
 * <p>Failures are classified as the http adapter classifies a server's start ({@link
 * FailureClassifier}): a non-zero exit (out of memory, refused flag, crash), no metrics object, or
 * a timeout becomes an {@link ApplyFailedException} in {@link #apply} and a {@link
 * MetricSourceException} in a sample, both with the program's last output lines.
 *
 * @implNote thread-safe: apply, current and the streaming process are guarded by this object;
 *     one-shot samples run outside the lock, on the configuration read at their start.
 */
public final class CommandRuntimeAdapter implements RuntimeAdapter {
  private static final JsonFactory JSON = new JsonFactory();

  /** Lines of output kept; a metrics object is looked for among them. */
  private static final int TAIL_LINES = 500;

  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private static final Set<String> COUNTERS =
      Set.of(
          Metrics.SOURCE_REQUESTS,
          Metrics.SOURCE_ERRORS,
          Metrics.SOURCE_TOKENS,
          Metrics.SOURCE_CACHE_HITS,
          Metrics.SOURCE_CACHE_MISSES,
          Metrics.SOURCE_CPU_SECONDS);

  private final CommandSpec spec;
  private final SearchSpace space;
  private final Configuration defaults;
  private final Ticker ticker;
  private final FailureClassifier classifier = FailureClassifier.standard();
  private final AtomicLong submitted = new AtomicLong();
  private final Object runLock = new Object();
  private double runRequests;
  private Configuration current;
  private Optional<ManagedProcess> streaming = Optional.empty();
  private boolean closed;

  private CommandRuntimeAdapter(CommandSpec spec, Ticker ticker) {
    this.spec = spec;
    this.space = spec.space();
    this.defaults = spec.defaults();
    this.ticker = ticker;
    this.current = defaults;
  }

  /**
   * An adapter for {@code spec} in its default configuration; a streaming program is started and
   * has printed its first metrics line when this returns.
   *
   * @throws ApplyFailedException when a streaming program fails to start with its defaults
   */
  public static CommandRuntimeAdapter start(CommandSpec spec, Ticker ticker)
      throws ApplyFailedException {
    CommandRuntimeAdapter a =
        new CommandRuntimeAdapter(
            Objects.requireNonNull(spec, "spec"), Objects.requireNonNull(ticker, "ticker"));
    if (spec.mode() == CommandSpec.Mode.STREAMING) {
      try {
        a.streaming = Optional.of(a.startStreaming(a.defaults));
      } catch (StartFailed e) {
        throw e.failure.toException("command " + spec.id() + " did not start");
      }
    }
    return a;
  }

  @Override
  public String id() {
    return spec.id();
  }

  @Override
  public String kind() {
    return "command";
  }

  @Override
  public SearchSpace knobs() {
    return space;
  }

  @Override
  public Configuration defaults() {
    return defaults;
  }

  @Override
  public synchronized Configuration current() {
    return current;
  }

  @Override
  public synchronized void apply(Configuration configuration) throws ApplyFailedException {
    if (closed) {
      throw new IllegalStateException("adapter " + spec.id() + " is closed");
    }
    Configuration next;
    try {
      next = space.validate(current.overlay(configuration));
    } catch (IllegalArgumentException e) {
      throw new ApplyFailedException(ApplyFailedException.Reason.REJECTED, e.getMessage(), e);
    }
    String what = "command " + spec.id() + " failed with " + next;
    if (spec.mode() == CommandSpec.Mode.ONE_SHOT) {
      try {
        runOnce(next);
      } catch (StartFailed e) {
        throw e.failure.toException(what);
      }
    } else {
      streaming.ifPresent(p -> p.stop(STOP_GRACE));
      try {
        streaming = Optional.of(startStreaming(next));
      } catch (StartFailed e) {
        // The contract: a failed apply leaves the runtime serving with a working configuration.
        try {
          streaming = Optional.of(startStreaming(current));
        } catch (StartFailed again) {
          streaming = Optional.empty();
        }
        throw e.failure.toException(what);
      }
    }
    current = next;
  }

  @Override
  public MetricSource metrics() {
    return this::sample;
  }

  /**
   * A sink that sends nothing (the program generates its own load): it completes each request at
   * once and counts it, so that a workload's submissions show in {@code requests}.
   */
  @Override
  public RequestSink requests() {
    return request -> {
      submitted.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    };
  }

  @Override
  public boolean liveReconfigurable() {
    return false;
  }

  @Override
  public synchronized void close() {
    closed = true;
    streaming.ifPresent(p -> p.stop(STOP_GRACE));
    streaming = Optional.empty();
  }

  private MetricSnapshot sample() throws MetricSourceException {
    Map<String, Double> values;
    if (spec.mode() == CommandSpec.Mode.ONE_SHOT) {
      try {
        values = runOnce(current());
      } catch (StartFailed e) {
        throw new MetricSourceException(
            e.failure.toException("command " + spec.id() + " failed").getMessage());
      }
    } else {
      values = streamingValues();
    }
    return snapshot(values);
  }

  private MetricSnapshot snapshot(Map<String, Double> values) {
    Map<String, Double> counters = new HashMap<>();
    Map<String, Double> gauges = new HashMap<>();
    double programRequests;
    if (spec.mode() == CommandSpec.Mode.ONE_SHOT) {
      synchronized (runLock) {
        runRequests += values.getOrDefault(Metrics.SOURCE_REQUESTS, 1.0);
        programRequests = runRequests;
      }
      values.forEach(
          (k, v) -> {
            if (!k.equals(Metrics.SOURCE_REQUESTS)) {
              gauges.put(k, v);
            }
          });
    } else {
      programRequests = values.getOrDefault(Metrics.SOURCE_REQUESTS, 0.0);
      values.forEach((k, v) -> (COUNTERS.contains(k) ? counters : gauges).put(k, v));
    }
    long sunk = submitted.get();
    counters.put(Metrics.SOURCE_REQUESTS, programRequests + sunk);
    HistogramSnapshot latency =
        new HistogramSnapshot(new double[] {Double.POSITIVE_INFINITY}, new long[] {sunk}, 0);
    return new MetricSnapshot(
        ticker.nanos(), counters, gauges, Map.of(Metrics.SOURCE_LATENCY_SECONDS, latency));
  }

  private synchronized Map<String, Double> streamingValues() throws MetricSourceException {
    ManagedProcess p =
        streaming.orElseThrow(
            () -> new MetricSourceException("command " + spec.id() + " is not running"));
    OptionalInt exit = p.exitCode();
    if (exit.isPresent()) {
      throw new MetricSourceException(
          classifier
              .exited(exit.getAsInt(), p.logTail())
              .toException("command " + spec.id() + " stopped")
              .getMessage());
    }
    return lastMetrics(p.logTail())
        .orElseThrow(
            () ->
                new MetricSourceException(
                    "command " + spec.id() + " has printed no JSON metrics object yet"));
  }

  /** Runs the program once with {@code c} and returns its metrics. */
  private Map<String, Double> runOnce(Configuration c) throws StartFailed {
    Path metricsFile = null;
    ManagedProcess p = null;
    try {
      if (spec.metricsFrom() == CommandSpec.MetricsFrom.FILE) {
        metricsFile = Files.createTempFile("infertune-" + spec.id() + "-", ".json");
        Files.delete(metricsFile);
      }
      p = launch(c, Optional.ofNullable(metricsFile));
      OptionalInt exit = p.awaitExit(spec.timeout());
      if (exit.isEmpty()) {
        p.stop(STOP_GRACE);
        throw new StartFailed(
            new StartFailure(
                StartFailure.Kind.TIMEOUT,
                "did not finish within " + spec.timeout().toMillis() / 1000.0 + " s",
                OptionalInt.empty(),
                p.logTail()));
      }
      if (exit.getAsInt() != 0) {
        throw new StartFailed(classifier.exited(exit.getAsInt(), p.logTail()));
      }
      Optional<Map<String, Double>> m;
      if (metricsFile != null) {
        m =
            Files.exists(metricsFile)
                ? parse(Files.readString(metricsFile).strip())
                : Optional.empty();
      } else {
        m = lastMetrics(p.logTail());
      }
      List<String> tail = p.logTail();
      return m.orElseThrow(
          () ->
              new StartFailed(
                  new StartFailure(
                      StartFailure.Kind.CRASH,
                      "exited 0 but reported no JSON metrics object"
                          + (spec.metricsFrom() == CommandSpec.MetricsFrom.FILE
                              ? " in " + CommandSpec.METRICS_FILE_ENV
                              : " on stdout"),
                      OptionalInt.of(0),
                      tail)));
    } catch (IOException e) {
      throw new StartFailed(
          new StartFailure(
              StartFailure.Kind.CRASH,
              "could not be run: " + e.getMessage(),
              OptionalInt.empty(),
              p == null ? List.of() : p.logTail()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartFailed(
          new StartFailure(
              StartFailure.Kind.TIMEOUT, "interrupted", OptionalInt.empty(), List.of()));
    } finally {
      if (p != null) {
        p.close();
      }
      if (metricsFile != null) {
        try {
          Files.deleteIfExists(metricsFile);
        } catch (IOException e) {
          // A leftover temporary file harms nothing.
        }
      }
    }
  }

  /** Starts the streaming program with {@code c} and waits for its first metrics line. */
  private ManagedProcess startStreaming(Configuration c) throws StartFailed {
    ManagedProcess p;
    try {
      p = launch(c, Optional.empty());
    } catch (IOException e) {
      throw new StartFailed(
          new StartFailure(
              StartFailure.Kind.CRASH,
              "could not be run: " + e.getMessage(),
              OptionalInt.empty(),
              List.of()));
    }
    long deadline = System.nanoTime() + spec.timeout().toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (lastMetrics(p.logTail()).isPresent()) {
          return p;
        }
        OptionalInt exit = p.awaitExit(Duration.ofMillis(20));
        if (exit.isPresent()) {
          throw new StartFailed(classifier.exited(exit.getAsInt(), p.logTail()));
        }
      }
      p.stop(STOP_GRACE);
      throw new StartFailed(classifier.timedOut(spec.timeout(), p.logTail()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.stop(STOP_GRACE);
      throw new StartFailed(
          new StartFailure(
              StartFailure.Kind.TIMEOUT, "interrupted", OptionalInt.empty(), p.logTail()));
    } catch (StartFailed e) {
      p.stop(STOP_GRACE);
      throw e;
    }
  }

  private ManagedProcess launch(Configuration c, Optional<Path> metricsFile) throws IOException {
    List<String> command = new ArrayList<>();
    for (String arg : spec.command()) {
      command.add(
          metricsFile.map(f -> arg.replace(CommandSpec.METRICS_FILE, f.toString())).orElse(arg));
    }
    Map<String, String> env = new LinkedHashMap<>(spec.environment());
    metricsFile.ifPresent(f -> env.put(CommandSpec.METRICS_FILE_ENV, f.toString()));
    Map<String, Object> stdin = new LinkedHashMap<>();
    for (CommandSpec.Knob k : spec.knobs()) {
      Optional<Object> v = c.find(k.parameter().name());
      if (v.isEmpty()) {
        continue; // inactive under a condition
      }
      switch (k.passing()) {
        case FLAG -> {
          command.add(k.name());
          command.add(String.valueOf(v.get()));
        }
        case ENV -> env.put(k.name(), String.valueOf(v.get()));
        case STDIN_JSON -> stdin.put(k.name(), v.get());
      }
    }
    ManagedProcess p =
        ManagedProcess.start("command-" + spec.id(), command, env, Optional.empty(), TAIL_LINES);
    if (spec.knobs().stream().anyMatch(k -> k.passing() == CommandSpec.Passing.STDIN_JSON)) {
      try {
        p.sendInput(json(stdin));
      } catch (IOException e) {
        // It exited before reading its input: its exit code and output tell why.
      }
    }
    return p;
  }

  private static byte[] json(Map<String, Object> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (var e : values.entrySet()) {
        switch (e.getValue()) {
          case Long l -> g.writeNumberField(e.getKey(), l);
          case Double d -> g.writeNumberField(e.getKey(), d);
          case Boolean b -> g.writeBooleanField(e.getKey(), b);
          default -> g.writeStringField(e.getKey(), String.valueOf(e.getValue()));
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** The last line of {@code lines} that is a JSON object, its numeric fields. */
  static Optional<Map<String, Double>> lastMetrics(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i).strip();
      if (line.startsWith("{")) {
        Optional<Map<String, Double>> m = parse(line);
        if (m.isPresent()) {
          return m;
        }
      }
    }
    return Optional.empty();
  }

  /** A JSON object's numeric fields; empty when the text is no JSON object. */
  static Optional<Map<String, Double>> parse(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      Map<String, Double> out = new LinkedHashMap<>();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
          out.put(name, p.getDoubleValue());
        } else {
          // Strings, flags and nested objects describe the run; only numbers are metrics.
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return Optional.empty();
      }
      return Optional.of(out);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A run that failed, classified; internal, turned into the caller's exception. */
  private static final class StartFailed extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient StartFailure failure;

    StartFailed(StartFailure failure) {
      super(failure.summary(), null, false, false);
      this.failure = failure;
    }
  }
}
