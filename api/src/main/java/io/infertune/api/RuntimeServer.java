package io.infertune.api;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.embedded.ModelFiles;
import io.infertune.runtime.embedded.ModelVariant;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.space.Configuration;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded runtime as a server of its own ({@code infertune runtime}): it listens first, so
 * that {@code /health} says 503 while the model loads, then loads the model in the configuration it
 * was started with and serves it ({@link RuntimeServerVerticle}).
 *
 * <p>Its {@code /metrics} page, on a registry of its own: the runtime's counters, gauges and
 * histograms under the names the {@code infertune-embedded} mapping reads ({@link
 * RuntimeMetricsCollector}: requests, errors, tokens, cache hits and misses, batches, request
 * latency and batch size histograms, queue depth, cache size, accuracy, resident memory), the
 * process's CPU time (Micrometer's {@link ProcessorMetrics}), and the configuration in force
 * ({@link RuntimeConfigInfo}).
 *
 * @implNote thread-safe.
 */
final class RuntimeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RuntimeServer.class);

  /** The served model's name, as {@code /v1/models} lists it and requests may name it. */
  static final String DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2";

  /** The stack of the thread that loads the model (see {@link #onLargeStack}). */
  private static final long LOAD_STACK_BYTES = 16L << 20;

  /** How long a stop waits for requests in flight. */
  static final long SHUTDOWN_GRACE_SECONDS = 10;

  private final Vertx vertx;
  private final RuntimeServerVerticle verticle;
  private final PrometheusMeterRegistry registry;
  private volatile Optional<EmbeddedRuntime> runtime = Optional.empty();
  private boolean closed;

  private RuntimeServer(Vertx vertx, RuntimeServerVerticle verticle, PrometheusMeterRegistry r) {
    this.vertx = vertx;
    this.verticle = verticle;
    this.registry = r;
  }

  /**
   * Listens on {@code host:port} (0: a free port), answering 503 until {@link #load}.
   *
   * @throws Exception when the port cannot be bound
   */
  static RuntimeServer listen(String host, int port, String modelName) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ProcessorMetrics().bindTo(registry);
    Vertx vertx = Vertx.vertx();
    RuntimeServerVerticle verticle = new RuntimeServerVerticle(host, port, modelName, registry);
    try {
      vertx
          .deployVerticle(verticle)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      vertx.close();
      registry.close();
      throw e;
    }
    return new RuntimeServer(vertx, verticle, registry);
  }

  /** The port it listens on. */
  int port() {
    return verticle.actualPort();
  }

  /**
   * Loads the model (its files extracted under {@code dataDir/models}) in {@code configuration} (a
   * value for some knobs; the others keep their defaults) and starts answering.
   *
   * @throws ApplyFailedException when the runtime cannot take the configuration
   * @throws IOException when the tokenizer cannot be read
   */
  EmbeddedRuntime load(Path dataDir, Configuration configuration)
      throws ApplyFailedException, IOException, InterruptedException {
    Path models = dataDir.resolve("models");
    EmbeddedRuntime r = onLargeStack(() -> loaded(models, configuration));
    try {
      var tokenizer = new ModelFiles(models).tokenizer(ModelVariant.FP32);
      registry
          .getPrometheusRegistry()
          .register(new RuntimeMetricsCollector(Map.of(r.id(), r.metrics())));
      registry.getPrometheusRegistry().register(new RuntimeConfigInfo(r));
      runtime = Optional.of(r);
      verticle.serve(new RuntimeServerVerticle.Serving(r, tokenizer));
      return r;
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** The runtime, built on its defaults and then given the flags (usually a second load). */
  private static EmbeddedRuntime loaded(Path models, Configuration configuration)
      throws ApplyFailedException {
    EmbeddedRuntime r = EmbeddedRuntime.builder().modelCacheDir(models).build();
    try {
      r.apply(configuration);
      return r;
    } catch (ApplyFailedException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** What loading throws, on the thread that loads. */
  @FunctionalInterface
  private interface Load {
    EmbeddedRuntime run() throws ApplyFailedException;
  }

  /**
   * Runs {@code load} on a thread with a 16 MiB stack. ONNX Runtime parses the model and optimises
   * its graph on the calling thread, in native frames that come close to the JVM's default 1 MiB
   * thread stack: measured here, a few kilobytes more of command line (a test's class path) were
   * enough to crash the main thread with SIGSEGV, without even an hs_err file. A stack overflow in
   * native code cannot be caught, so the load gets room to spare instead.
   */
  private static EmbeddedRuntime onLargeStack(Load load)
      throws ApplyFailedException, InterruptedException {
    java.util.concurrent.FutureTask<EmbeddedRuntime> task =
        new java.util.concurrent.FutureTask<>(load::run);
    Thread t = Thread.ofPlatform().name("model-load").stackSize(LOAD_STACK_BYTES).start(task);
    try {
      return task.get();
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case ApplyFailedException a -> throw a;
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        default -> throw new IllegalStateException(e.getCause());
      }
    } finally {
      t.join();
    }
  }

  /**
   * Stops: health turns 503, requests in flight get up to {@value #SHUTDOWN_GRACE_SECONDS} s, then
   * the runtime finishes the batches in hand and closes. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("stopping: requests in flight get {} s", SHUTDOWN_GRACE_SECONDS);
    try {
      verticle
          .shutdown(SHUTDOWN_GRACE_SECONDS)
          .toCompletionStage()
          .toCompletableFuture()
          .get(SHUTDOWN_GRACE_SECONDS + 5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("HTTP server did not shut down cleanly: {}", e.toString());
    }
    runtime.ifPresent(EmbeddedRuntime::close);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    registry.close();
  }
}
