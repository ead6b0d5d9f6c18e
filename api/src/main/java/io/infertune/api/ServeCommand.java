package io.infertune.api;

import io.infertune.tuner.runtime.RuntimeAdapter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code infertune serve}: the long-running service. */
@Command(name = "serve", description = "Run the Infertune service (REST API, metrics).")
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port = 8080;

  @Option(
      names = "--host",
      description =
          "Address to bind (default: ${DEFAULT-VALUE}, reachable from this machine only). Any"
              + " other address needs an API token (infertune token create).")
  String host = "127.0.0.1";

  @Option(
      names = "--metrics-auth",
      description = "/metrics needs a token too (a viewer's) whenever the API does.")
  boolean metricsAuth = SecurityConfig.SERVE_DEFAULTS.metricsAuth();

  @Option(
      names = "--rate-limit",
      paramLabel = "PER_SECOND",
      description =
          "API requests per second allowed to each token or client address (default:"
              + " ${DEFAULT-VALUE}; 0: no limit).")
  double rateLimit = SecurityConfig.SERVE_DEFAULTS.requestsPerSecond();

  @Option(
      names = "--rate-burst",
      paramLabel = "N",
      description =
          "Requests a caller may make at once beyond the rate (default: ${DEFAULT-VALUE}).")
  int rateBurst = SecurityConfig.SERVE_DEFAULTS.burst();

  @Option(
      names = "--resume-interrupted",
      negatable = true,
      // Both spelled out: without them picocli reads --no-resume-interrupted as true.
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Resume by themselves the campaigns a crash of the service interrupted (default:"
              + " ${DEFAULT-VALUE}); with --no-resume-interrupted they wait for POST"
              + " /api/v1/campaigns/{id}/resume.")
  boolean resumeInterrupted = true;

  @Option(
      names = "--data-dir",
      description = "Database and model files (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of("data");

  @Option(
      names = "--trace-dir",
      paramLabel = "DIR",
      description =
          "The only directory campaigns' workload.trace files are read from; a relative trace is"
              + " resolved against it (default: <data-dir>/traces).")
  Optional<Path> traceDir = Optional.empty();

  @Option(
      names = "--runtime-profile",
      paramLabel = "PROFILE",
      description =
          "Also launch and tune an OpenAI-compatible server from this launch profile (repeatable):"
              + " vllm, llamacpp, tgi, sglang, infertune-runtime, or one of --profile-dir.")
  List<String> runtimeProfiles = new ArrayList<>();

  @Option(
      names = "--runtime-var",
      paramLabel = "NAME=VALUE",
      description = "A variable of the launch profiles' commands, e.g. model=Qwen/Qwen3-0.6B.")
  Map<String, String> runtimeVariables = new LinkedHashMap<>();

  @Option(
      names = "--profile-dir",
      paramLabel = "DIR",
      description = "Launch profiles of your own (*.json), overriding built-ins of the same name.")
  Optional<Path> profileDir = Optional.empty();

  @Option(
      names = "--runtime-file",
      paramLabel = "FILE",
      description =
          "Also manage the runtimes this file lists (repeatable; JSON or YAML): launched (http),"
              + " attached (attach), triton and command runtimes, each with its settings.")
  List<Path> runtimeFiles = new ArrayList<>();

  /** The runtimes of the options, started or connected; the caller owns them. */
  List<RuntimeAdapter> openRuntimes() throws Exception {
    List<RuntimeAdapter> out =
        new ArrayList<>(
            HttpRuntimes.launch(runtimeProfiles, profileDir, runtimeVariables, dataDir));
    try {
      out.addAll(HttpRuntimes.fromFiles(runtimeFiles, profileDir, runtimeVariables, dataDir));
    } catch (Exception e) {
      out.forEach(RuntimeAdapter::close);
      throw e;
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    ServiceConfig config;
    try {
      config =
          new ServiceConfig(
              host,
              port,
              dataDir,
              new SecurityConfig(metricsAuth, rateLimit, rateBurst),
              resumeInterrupted,
              traceDir.orElseGet(() -> ServiceConfig.defaultTraceDir(dataDir)));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("infertune serve: " + e.getMessage());
      return 2;
    }
    List<RuntimeAdapter> launched = openRuntimes();
    Infertune service;
    try {
      service = Infertune.start(config, launched);
    } catch (RefusedToStartException e) {
      launched.forEach(RuntimeAdapter::close);
      spec.commandLine().getErr().println("infertune serve: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      launched.forEach(RuntimeAdapter::close);
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                },
                "shutdown"));
    System.out.printf(
        "Infertune listening on http://%s:%d (data in %s, traces read from %s)%n",
        host,
        service.port(),
        dataDir.toAbsolutePath().normalize(),
        config.traceDir().toAbsolutePath().normalize());
    stopped.await();
    return 0;
  }
}
