package io.infertune.api;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code infertune serve}: the long-running service. */
@Command(name = "serve", description = "Run the Infertune service (REST API, metrics).")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port = 8080;

  @Option(
      names = "--host",
      description =
          "Address to bind (default: ${DEFAULT-VALUE}, reachable from this machine only).")
  String host = "127.0.0.1";

  @Option(
      names = "--data-dir",
      description = "Database and model files (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of("data");

  @Override
  public Integer call() throws Exception {
    Infertune service = Infertune.start(new ServiceConfig(host, port, dataDir));
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
        "Infertune listening on http://%s:%d (data in %s)%n",
        host, service.port(), dataDir.toAbsolutePath().normalize());
    stopped.await();
    return 0;
  }
}
