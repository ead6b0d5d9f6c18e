package io.infertune.api;

import io.infertune.api.cli.RuntimeClientCommands;
import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code infertune runtime}: the embedded ONNX Runtime model as a server of its own, with its knobs
 * as command-line flags, so that it is tuned the way vLLM is: by restarting it with new flags (the
 * {@code http} adapter's {@code infertune-runtime} launch profile does). Each knob flag is checked
 * against the knob's values before anything loads; a bad one exits with code 2, like any usage
 * error.
 */
@Command(
    name = "runtime",
    sortOptions = false,
    // With no subcommand it serves; list and show ask a running service about its runtimes.
    subcommands = {RuntimeClientCommands.ListRuntimes.class, RuntimeClientCommands.Show.class},
    description =
        "Serve the embedded ONNX Runtime embedding model (all-MiniLM-L6-v2) over HTTP:"
            + " OpenAI-compatible POST /v1/embeddings, GET /v1/models, GET /health, Prometheus"
            + " GET /metrics. Knobs are flags. Prints a ready line once the model is loaded;"
            + " stops gracefully on SIGTERM.")
final class RuntimeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      order = 1,
      description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = 8000;

  @Option(
      names = "--host",
      order = 2,
      description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only).")
  String host = "127.0.0.1";

  @Option(
      names = "--data-dir",
      order = 3,
      description =
          "Where the model files are extracted, under models/ (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of("data");

  @Option(
      names = "--model-name",
      order = 4,
      description = "The model's name in /v1/models and requests (default: ${DEFAULT-VALUE}).")
  String modelName = RuntimeServer.DEFAULT_MODEL_NAME;

  /** Knob values as given, by knob name, in the order of the command line. */
  private final Map<String, String> knobFlags = new LinkedHashMap<>();

  /** The flag of each knob, for messages. */
  private final Map<String, String> flagOf = new LinkedHashMap<>();

  private final PrintStream out = System.out;

  @Option(
      names = "--batch-size",
      order = 5,
      paramLabel = "N",
      description = "Largest batch of the dynamic batcher: 1, 2, 4, ..., 128 (default 1).")
  void batchSize(String v) {
    knob(EmbeddedRuntime.BATCH_SIZE, "--batch-size", v);
  }

  @Option(
      names = "--batch-timeout-ms",
      order = 6,
      paramLabel = "MS",
      description = "How long a worker waits for a batch to fill: 0..50 (default 0).")
  void batchTimeoutMs(String v) {
    knob(EmbeddedRuntime.BATCH_TIMEOUT_MS, "--batch-timeout-ms", v);
  }

  @Option(
      names = "--quantization",
      order = 7,
      paramLabel = "Q",
      description = "Model variant: fp32 or int8 (default fp32).")
  void quantization(String v) {
    knob(EmbeddedRuntime.QUANTIZATION, "--quantization", v);
  }

  @Option(
      names = "--cache-entries",
      order = 8,
      paramLabel = "N",
      description = "LRU cache of results by input: 0 (off)..100000 (default 0).")
  void cacheEntries(String v) {
    knob(EmbeddedRuntime.CACHE_ENTRIES, "--cache-entries", v);
  }

  @Option(
      names = "--intra-op-threads",
      order = 9,
      paramLabel = "N",
      description = "Threads per ONNX Runtime session: 1..cores (default: cores).")
  void intraOpThreads(String v) {
    knob(EmbeddedRuntime.INTRA_OP_THREADS, "--intra-op-threads", v);
  }

  @Option(
      names = "--replicas",
      order = 10,
      paramLabel = "N",
      description = "Sessions serving in parallel: 1..cores (default 1).")
  void replicas(String v) {
    knob(EmbeddedRuntime.REPLICAS, "--replicas", v);
  }

  @Option(
      names = "--thread-spinning",
      order = 11,
      paramLabel = "on|off",
      description = "ONNX Runtime's intra-op spinning (default on).")
  void threadSpinning(String v) {
    knob(EmbeddedRuntime.THREAD_SPINNING, "--thread-spinning", v);
  }

  private void knob(String name, String flag, String value) {
    knobFlags.put(name, value);
    flagOf.put(name, flag);
  }

  @Override
  public Integer call() throws Exception {
    Configuration flags = knobConfiguration(Runtime.getRuntime().availableProcessors());
    if (port < 0 || port > 65535) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--port': must be in [0, 65535]");
    }
    RuntimeServer server = RuntimeServer.listen(host, port, modelName);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "shutdown"));
    EmbeddedRuntime runtime;
    try {
      runtime = server.load(dataDir, flags);
    } catch (ApplyFailedException e) {
      System.err.println(
          "infertune runtime: the model cannot run with " + flags + ": " + e.getMessage());
      server.close();
      return 1;
    }
    out.printf(
        "infertune runtime: serving %s on http://%s:%d (%s)%n",
        modelName, host, server.port(), runtime.current());
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The knob flags as a configuration, each value checked against its knob on {@code cores} cores.
   *
   * @throws ParameterException naming the flag, with the knob's values, when one is invalid
   */
  Configuration knobConfiguration(int cores) {
    SearchSpace knobs = EmbeddedRuntime.knobsFor(cores);
    Map<String, Object> values = new LinkedHashMap<>();
    for (var e : knobFlags.entrySet()) {
      Parameter p = knobs.get(e.getKey());
      try {
        values.put(e.getKey(), p.canonical(scalar(e.getValue())));
      } catch (IllegalArgumentException ex) {
        throw new ParameterException(
            spec.commandLine(),
            "Invalid value for option '" + flagOf.get(e.getKey()) + "': " + ex.getMessage());
      }
    }
    return new Configuration(values);
  }

  /** A flag's text as the knob values are typed: an integer, a real, or a word. */
  private static Object scalar(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException notAnInteger) {
      try {
        double d = Double.parseDouble(s);
        return Double.isFinite(d) ? d : s;
      } catch (NumberFormatException notANumber) {
        return s;
      }
    }
  }
}
