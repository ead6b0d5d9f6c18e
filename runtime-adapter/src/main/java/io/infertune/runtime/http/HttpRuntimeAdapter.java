package io.infertune.runtime.http;

import io.infertune.runtime.openai.ClientMetrics;
import io.infertune.runtime.openai.CompositeMetricSource;
import io.infertune.runtime.openai.OpenAiClient;
import io.infertune.runtime.openai.OpenAiRequestSink;
import io.infertune.runtime.prometheus.MetricFamily;
import io.infertune.runtime.prometheus.PrometheusMetricSource;
import io.infertune.runtime.prometheus.PrometheusScraper;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Names;
import io.infertune.tuner.space.SearchSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runtime with an OpenAI-compatible API and a Prometheus {@code /metrics} page (vLLM, llama.cpp
 * server, TGI, SGLang, {@code infertune runtime}), described by a {@link LaunchProfile}. Two modes:
 *
 * <ul>
 *   <li><b>launch</b> ({@link #launch}): Infertune starts the server as a child process and owns
 *       it. Its knobs are command-line flags (or environment variables), so {@link #apply} restarts
 *       it: stop (SIGTERM, then SIGKILL after the profile's grace period), start with the new flags
 *       on the same port, wait until the readiness probe answers. A start that fails is classified
 *       ({@link FailureClassifier}: out of memory, bad flag, crash, timeout) and thrown with the
 *       last lines of the server's log, which thus become the trial's failure reason; the server is
 *       then started again with the previous configuration, so that it is left serving.
 *   <li><b>attach</b> ({@link #attach}): a server Infertune did not start. An apply runs the user's
 *       reconfiguration command (an argument array, no shell, with the new flags and the
 *       configuration as JSON, optionally on its stdin too) or POSTs the configuration to the
 *       user's webhook, then waits until the health URL answers; without either, the adapter only
 *       observes. On failure the previous configuration is pushed back the same way. As data: an
 *       {@code attach} entry of a {@link io.infertune.runtime.catalog.RuntimeFile}.
 * </ul>
 *
 * <p>In both modes, metrics are scraped from the server's page through the profile's {@link
 * io.infertune.runtime.prometheus.MetricMapping}, load goes to the profile's OpenAI endpoint
 * through {@link OpenAiRequestSink} (streamed for generative endpoints, unless the profile says
 * otherwise), whose client-side measurements join the server's ({@link CompositeMetricSource}), and
 * when the profile names an effective-configuration metric (vLLM's {@code vllm:cache_config_info})
 * an apply reads it back after the push and fails (REJECTED) when the runtime runs something else.
 *
 * @implNote thread-safe: applies are serialised; requests and scrapes may overlap them (requests
 *     during a restart fail, as they would against the real server).
 */
public final class HttpRuntimeAdapter implements RuntimeAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpRuntimeAdapter.class);

  private final String id;
  private final LaunchProfile profile;
  private final SearchSpace knobs;
  private final Configuration defaults;
  private final URI baseUrl;
  private final HttpClient client;
  private final PrometheusScraper scraper;
  private final ClientMetrics clientMetrics;
  private final MetricSource metrics;
  private final OpenAiClient openAi;
  private final OpenAiRequestSink requests;
  private final Actuator actuator;
  private final boolean liveReconfigurable;
  private final Object applyLock = new Object();
  private volatile Configuration current;
  private volatile boolean closed;

  private HttpRuntimeAdapter(Settings b, URI baseUrl, Actuator actuator) {
    this.id = b.id;
    this.profile = b.profile;
    this.knobs = profile.knobSpace();
    this.defaults = profile.defaults();
    this.baseUrl = baseUrl;
    this.client = b.client;
    this.scraper =
        new PrometheusScraper(
            b.metricsUrl.orElse(baseUrl.resolve(profile.metrics().path())), b.scrapeTimeout);
    // What the load generator saw (latency, time to first token, inter-token latency, errors by
    // kind) is recorded beside the server's own series: its names under client_*, and filling in
    // what the server's page lacks (time to first token for a server that keeps no histogram).
    this.clientMetrics = new ClientMetrics(b.ticker);
    this.metrics =
        CompositeMetricSource.withClient(
            new PrometheusMetricSource(scraper, profile.metrics().mapping(), b.ticker),
            clientMetrics);
    Map<String, List<String>> vars = profile.variables(b.variables);
    LaunchProfile.Api api = profile.api();
    this.openAi =
        // The profile's API path is absolute, as its readiness and metrics paths are: below the
        // server's root, whatever path the base URL has.
        OpenAiClient.builder(baseUrl.resolve("/"))
            .httpClient(client)
            .ticker(b.ticker)
            .timeout(b.requestTimeout)
            .path(api.kind(), api.path())
            .build();
    this.requests =
        OpenAiRequestSink.builder(
                openAi,
                api.kind(),
                Templates.expandOne(api.model(), vars, "profile " + profile.name() + ": api.model"))
            .streaming(api.stream())
            .defaultMaxTokens(api.maxTokens())
            .metrics(clientMetrics)
            .build();
    this.actuator = actuator;
    this.liveReconfigurable = b.liveReconfigurable;
    this.current = defaults;
  }

  /** A builder that launches a server with {@code profile}. */
  public static Builder launch(LaunchProfile profile) {
    return new Builder(Mode.LAUNCH, profile);
  }

  /** A builder for a server already running at {@code baseUrl}, with {@code profile}'s knobs. */
  public static Builder attach(LaunchProfile profile, URI baseUrl) {
    Builder b = new Builder(Mode.ATTACH, profile);
    b.baseUrl = Optional.of(Builder.requireHttp(baseUrl, "baseUrl"));
    return b;
  }

  @Override
  public String id() {
    return id;
  }

  /** The profile's name ({@code vllm}, {@code infertune-runtime}, ...). */
  @Override
  public String kind() {
    return profile.name();
  }

  public LaunchProfile profile() {
    return profile;
  }

  /** Where the server listens, e.g. {@code http://127.0.0.1:8000/}. */
  public URI baseUrl() {
    return baseUrl;
  }

  @Override
  public SearchSpace knobs() {
    return knobs;
  }

  @Override
  public Configuration defaults() {
    return defaults;
  }

  @Override
  public Configuration current() {
    return current;
  }

  @Override
  public MetricSource metrics() {
    return metrics;
  }

  /** Sends the load to the profile's OpenAI endpoint, recording what the client saw. */
  @Override
  public RequestSink requests() {
    return requests;
  }

  /** The load generator's own measurements, also part of {@link #metrics()} as {@code client_*}. */
  public ClientMetrics clientMetrics() {
    return clientMetrics;
  }

  @Override
  public boolean liveReconfigurable() {
    return liveReconfigurable;
  }

  /** The server process, in launch mode while one runs. */
  public Optional<ManagedProcess> process() {
    return actuator instanceof Launcher l ? l.process : Optional.empty();
  }

  /** Why the last failed start or reconfiguration failed, with its log tail. */
  public Optional<StartFailure> lastFailure() {
    return actuator.lastFailure();
  }

  @Override
  public void apply(Configuration configuration) throws ApplyFailedException {
    Objects.requireNonNull(configuration, "configuration");
    synchronized (applyLock) {
      if (closed) {
        throw new ApplyFailedException(Reason.UNAVAILABLE, "runtime '" + id + "' is closed");
      }
      Configuration previous = current;
      Configuration next;
      try {
        next = knobs.validate(previous.overlay(configuration));
      } catch (IllegalArgumentException e) {
        throw new ApplyFailedException(Reason.REJECTED, e.getMessage(), e);
      }
      if (next.equals(previous) && actuator.serving()) {
        return;
      }
      try {
        put(next);
      } catch (ApplyFailedException e) {
        if (!next.equals(previous)) {
          try {
            put(previous);
          } catch (ApplyFailedException restore) {
            throw new ApplyFailedException(
                e.reason(),
                e.getMessage()
                    + "\n(going back to the previous configuration failed too: "
                    + firstLine(restore.getMessage())
                    + ")",
                e);
          }
        }
        throw e;
      }
      current = next;
      log.info("runtime {} now runs {}", id, next);
    }
  }

  /**
   * Restarts the server on {@code lastKnownGood} whatever state it is in: a launched child that
   * died is started again, one that hangs (alive, not answering) is stopped (SIGTERM, then SIGKILL
   * after the grace period) and started again. An attached server gets {@code lastKnownGood} pushed
   * again by its reconfiguration command or webhook.
   */
  @Override
  public void recover(Configuration lastKnownGood) throws ApplyFailedException {
    Objects.requireNonNull(lastKnownGood, "lastKnownGood");
    synchronized (applyLock) {
      if (closed) {
        throw new ApplyFailedException(Reason.UNAVAILABLE, "runtime '" + id + "' is closed");
      }
      Configuration good;
      try {
        good = knobs.validate(current.overlay(lastKnownGood));
      } catch (IllegalArgumentException e) {
        throw new ApplyFailedException(Reason.REJECTED, e.getMessage(), e);
      }
      put(good);
      current = good;
      log.info("runtime {} recovered on {}", id, good);
    }
  }

  /** Puts {@code next} in force and checks that it took. */
  private void put(Configuration next) throws ApplyFailedException {
    actuator.put(next);
    if (profile.effectiveConfig().isEmpty()) {
      return;
    }
    List<MetricFamily> page;
    try {
      page = scraper.scrape();
    } catch (MetricSourceException e) {
      // Without the page nothing can be read back; the measurement will notice a dead page.
      log.warn("runtime {}: effective configuration not checked: {}", id, e.getMessage());
      return;
    }
    Optional<String> mismatch =
        EffectiveConfigCheck.mismatch(profile, profile.effectiveConfig().get(), page, next);
    if (mismatch.isPresent()) {
      throw new ApplyFailedException(
          Reason.REJECTED, "the push did not take: " + next + " was pushed, but " + mismatch.get());
    }
  }

  /** Stops a launched server (gracefully, within the profile's grace) and frees the client. */
  @Override
  public void close() {
    synchronized (applyLock) {
      if (closed) {
        return;
      }
      closed = true;
      actuator.close();
    }
    scraper.close();
    openAi.close();
    client.shutdownNow();
  }

  @Override
  public String toString() {
    return "HttpRuntimeAdapter[" + id + ", " + profile.name() + ", " + baseUrl + "]";
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** How a configuration is put into force: by restarting a child, or by asking someone else. */
  private interface Actuator {
    /** Puts {@code next} in force and returns once the server answers its readiness probe. */
    void put(Configuration next) throws ApplyFailedException;

    /** Whether a server is there to serve (a launched child that is alive). */
    boolean serving();

    Optional<StartFailure> lastFailure();

    void close();
  }

  /** Waits for the readiness probe, watching a child process if there is one. */
  private record Probe(HttpClient client, URI url, int status, Duration interval) {
    boolean ready() {
      HttpRequest r = HttpRequest.newBuilder(url).timeout(interval.plusSeconds(1)).GET().build();
      try {
        return client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == status;
      } catch (IOException e) {
        // Refused or reset: not listening yet.
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** Launch mode: the server is a child process; a new configuration is a restart. */
  private static final class Launcher implements Actuator {
    private final Settings b;
    private final String id;
    private final Map<String, List<String>> variables;
    private final Probe probe;
    private final Duration readyTimeout;
    private final Duration stopGrace;
    private final FailureClassifier classifier;
    private volatile Optional<ManagedProcess> process = Optional.empty();
    private volatile Optional<StartFailure> lastFailure = Optional.empty();

    Launcher(Settings b, Map<String, List<String>> variables, URI baseUrl) {
      this.b = b;
      this.id = b.id;
      this.variables = variables;
      LaunchProfile.Readiness r = b.profile.readiness();
      this.probe = new Probe(b.client, baseUrl.resolve(r.path()), r.status(), r.interval());
      this.readyTimeout = b.readyTimeout.orElse(r.timeout());
      this.stopGrace = b.stopGrace.orElse(b.profile.stopGrace());
      this.classifier = FailureClassifier.standard().with(b.profile.failures());
    }

    @Override
    public void put(Configuration next) throws ApplyFailedException {
      stopCurrent();
      LaunchProfile.Launch launch;
      try {
        launch = b.profile.render(next, variables);
      } catch (IllegalArgumentException e) {
        throw new ApplyFailedException(Reason.REJECTED, e.getMessage(), e);
      }
      Map<String, String> env = new LinkedHashMap<>(b.environment);
      env.putAll(launch.environment());
      ManagedProcess p;
      try {
        p = ManagedProcess.start(id, launch.command(), env, b.directory, b.tailLines);
      } catch (IOException e) {
        throw new ApplyFailedException(
            Reason.CRASH, "could not start " + launch.command().get(0) + ": " + e.getMessage(), e);
      }
      process = Optional.of(p);
      Optional<StartFailure> failure = awaitReady(p);
      if (failure.isPresent()) {
        p.stop(stopGrace);
        process = Optional.empty();
        lastFailure = failure;
        throw failure.get().toException(b.profile.name() + " did not start with " + next);
      }
    }

    private Optional<StartFailure> awaitReady(ManagedProcess p) throws ApplyFailedException {
      // A real child is polled against a deadline; its exit ends the wait at once.
      long deadline = System.nanoTime() + readyTimeout.toNanos();
      try {
        while (true) {
          OptionalInt exit = p.exitCode();
          if (exit.isPresent()) {
            p.awaitExit(Duration.ZERO);
            return Optional.of(classifier.exited(exit.getAsInt(), p.logTail()));
          }
          if (probe.ready()) {
            return Optional.empty();
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return Optional.of(classifier.timedOut(readyTimeout, p.logTail()));
          }
          p.awaitExit(Duration.ofNanos(Math.min(left, probe.interval().toNanos())));
        }
      } catch (InterruptedException e) {
        p.stop(Duration.ZERO);
        process = Optional.empty();
        Thread.currentThread().interrupt();
        throw new ApplyFailedException(Reason.UNAVAILABLE, "interrupted while starting " + id, e);
      }
    }

    private void stopCurrent() {
      Optional<ManagedProcess> p = process;
      if (p.isPresent()) {
        ManagedProcess.Stopped s = p.get().stop(stopGrace);
        process = Optional.empty();
        log.info("stopped {} (pid {}){}", id, p.get().pid(), s.killed() ? " by SIGKILL" : "");
      }
    }

    @Override
    public boolean serving() {
      return process.map(ManagedProcess::isAlive).orElse(false);
    }

    @Override
    public Optional<StartFailure> lastFailure() {
      return lastFailure;
    }

    @Override
    public void close() {
      stopCurrent();
    }
  }

  /** Attach mode: someone else's server, reconfigured by a command or a webhook, or not at all. */
  private static final class Reconfigurer implements Actuator {
    private final Settings b;
    private final String id;
    private final Map<String, List<String>> variables;
    private final Probe probe;
    private final Duration timeout;
    private final FailureClassifier classifier;
    private volatile Optional<StartFailure> lastFailure = Optional.empty();

    Reconfigurer(Settings b, Map<String, List<String>> variables, URI baseUrl) {
      this.b = b;
      this.id = b.id;
      this.variables = variables;
      LaunchProfile.Readiness r = b.profile.readiness();
      this.probe =
          new Probe(
              b.client, b.healthUrl.orElse(baseUrl.resolve(r.path())), r.status(), r.interval());
      this.timeout = b.readyTimeout.orElse(r.timeout());
      this.classifier = FailureClassifier.standard().with(b.profile.failures());
    }

    /** What the webhook is POSTed and the command may read on stdin. */
    private Map<String, Object> payload(Configuration next, LaunchProfile.Rendered flags) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("runtime", id);
      body.put("configuration", next.values());
      body.put("flags", flags.args());
      body.put("environment", flags.environment());
      return body;
    }

    @Override
    public void put(Configuration next) throws ApplyFailedException {
      LaunchProfile.Rendered flags;
      try {
        flags = b.profile.renderKnobs(next);
      } catch (IllegalArgumentException e) {
        throw new ApplyFailedException(Reason.REJECTED, e.getMessage(), e);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      if (b.reconfigureCommand.isPresent()) {
        runCommand(b.reconfigureCommand.get(), next, flags, deadline);
      } else if (b.reconfigureWebhook.isPresent()) {
        callWebhook(b.reconfigureWebhook.get(), next, flags);
      } else {
        throw new ApplyFailedException(
            Reason.REJECTED,
            "runtime " + id + " is attached without a reconfiguration command or webhook");
      }
      awaitReady(deadline);
    }

    private void runCommand(
        List<String> template, Configuration next, LaunchProfile.Rendered flags, long deadline)
        throws ApplyFailedException {
      Map<String, List<String>> vars = new LinkedHashMap<>(variables);
      vars.put(LaunchProfile.FLAGS, flags.args());
      vars.put("config_json", List.of(JsonTree.write(next.values())));
      List<String> argv;
      try {
        argv = Templates.expand(template, vars, "reconfiguration command of " + id);
      } catch (IllegalArgumentException e) {
        throw new ApplyFailedException(Reason.REJECTED, e.getMessage(), e);
      }
      Map<String, String> env = new LinkedHashMap<>(b.environment);
      env.putAll(flags.environment());
      try (ManagedProcess p =
          ManagedProcess.start(id + "-reconfigure", argv, env, b.directory, b.tailLines)) {
        if (b.commandStdin) {
          try {
            p.sendInput(JsonTree.write(payload(next, flags)).getBytes(StandardCharsets.UTF_8));
          } catch (IOException e) {
            // It exited without reading: its exit code and output below say why.
            log.debug("the reconfiguration command of {} did not read its stdin: {}", id, e);
          }
        }
        OptionalInt exit = p.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (exit.isEmpty()) {
          StartFailure f = classifier.timedOut(timeout, p.logTail());
          lastFailure = Optional.of(f);
          throw f.toException("the reconfiguration command of " + id + " did not finish");
        }
        if (exit.getAsInt() != 0) {
          StartFailure f = classifier.exited(exit.getAsInt(), p.logTail());
          lastFailure = Optional.of(f);
          throw f.toException("the reconfiguration command of " + id + " failed for " + next);
        }
      } catch (IOException e) {
        throw new ApplyFailedException(
            Reason.CRASH, "could not run " + argv.get(0) + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApplyFailedException(Reason.UNAVAILABLE, "interrupted reconfiguring " + id, e);
      }
    }

    private void callWebhook(URI url, Configuration next, LaunchProfile.Rendered flags)
        throws ApplyFailedException {
      Map<String, Object> body = payload(next, flags);
      HttpRequest r =
          HttpRequest.newBuilder(url)
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(JsonTree.write(body), StandardCharsets.UTF_8))
              .build();
      HttpResponse<String> response;
      try {
        response = b.client.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ApplyFailedException(
            Reason.UNAVAILABLE, "reconfiguration webhook " + url + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApplyFailedException(Reason.UNAVAILABLE, "interrupted reconfiguring " + id, e);
      }
      if (response.statusCode() / 100 != 2) {
        String text = response.body() == null ? "" : response.body().strip();
        throw new ApplyFailedException(
            Reason.REJECTED,
            "reconfiguration webhook "
                + url
                + " answered HTTP "
                + response.statusCode()
                + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(200, text.length()))));
      }
    }

    private void awaitReady(long deadline) throws ApplyFailedException {
      // Someone else's server, polled against a deadline: there is no child whose exit to watch.
      while (!probe.ready()) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || Thread.currentThread().isInterrupted()) {
          throw new ApplyFailedException(
              Reason.TIMEOUT,
              "runtime " + id + " was not ready " + timeout + " after reconfiguring");
        }
        try {
          Thread.sleep(Duration.ofNanos(Math.min(left, probe.interval().toNanos())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ApplyFailedException(Reason.UNAVAILABLE, "interrupted waiting for " + id, e);
        }
      }
    }

    @Override
    public boolean serving() {
      return true;
    }

    @Override
    public Optional<StartFailure> lastFailure() {
      return lastFailure;
    }

    @Override
    public void close() {
      // Not ours to stop.
    }
  }

  /** What a builder said, frozen when it built: a builder used again changes no adapter. */
  private record Settings(
      String id,
      LaunchProfile profile,
      Map<String, List<String>> variables,
      Map<String, String> environment,
      Optional<Path> directory,
      Optional<Duration> readyTimeout,
      Optional<Duration> stopGrace,
      int tailLines,
      Duration requestTimeout,
      Duration scrapeTimeout,
      Ticker ticker,
      Optional<List<String>> reconfigureCommand,
      boolean commandStdin,
      Optional<URI> reconfigureWebhook,
      Optional<URI> healthUrl,
      Optional<URI> metricsUrl,
      boolean liveReconfigurable,
      HttpClient client) {}

  private enum Mode {
    LAUNCH,
    ATTACH
  }

  /**
   * Builds an adapter. Required: the profile (given to {@link #launch} or {@link #attach}), and the
   * variables its command and API model use beyond {@code port}, {@code host} and {@code flags}
   * (e.g. {@code model}). Every setter rejects bad values at once.
   */
  public static final class Builder {
    private final Mode mode;
    private final LaunchProfile profile;
    private Optional<String> id = Optional.empty();
    private final Map<String, List<String>> variables = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String host = "127.0.0.1";
    private int port;
    private Optional<URI> baseUrl = Optional.empty();
    private Optional<Path> directory = Optional.empty();
    private Optional<Configuration> initial = Optional.empty();
    private Optional<Duration> readyTimeout = Optional.empty();
    private Optional<Duration> stopGrace = Optional.empty();
    private int tailLines = 200;
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration scrapeTimeout = Duration.ofSeconds(10);
    private Ticker ticker = Ticker.system();
    private Optional<List<String>> reconfigureCommand = Optional.empty();
    private boolean commandStdin;
    private Optional<URI> reconfigureWebhook = Optional.empty();
    private Optional<URI> healthUrl = Optional.empty();
    private Optional<URI> metricsUrl = Optional.empty();
    private boolean liveReconfigurable;

    private Builder(Mode mode, LaunchProfile profile) {
      this.mode = mode;
      this.profile = Objects.requireNonNull(profile, "profile");
    }

    /** The runtime's id in URLs and records (default: the profile's name). */
    public Builder id(String id) {
      this.id = Optional.of(Names.require("runtime", id));
      return this;
    }

    /** Sets a variable of the command template ({@code {name}}) to one or more arguments. */
    public Builder variable(String name, String... values) {
      return variable(name, List.of(values));
    }

    /** Sets a variable of the command template ({@code {name}}) to a list of arguments. */
    public Builder variable(String name, List<String> values) {
      Objects.requireNonNull(name, "name");
      if (name.equals("port") || name.equals("host") || name.equals(LaunchProfile.FLAGS)) {
        throw new IllegalArgumentException(
            "{" + name + "} is set by the adapter; use port(), host() instead");
      }
      variables.put(name, List.copyOf(values));
      return this;
    }

    /** An environment variable for the server process (launch) or the command (attach). */
    public Builder environment(String name, String value) {
      environment.put(LaunchProfile.requireEnvName(name), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Launch: the address the server binds (default 127.0.0.1). */
    public Builder host(String host) {
      requireMode(Mode.LAUNCH, "host");
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Launch: the server's port, kept across restarts (default 0: a free port, picked once). */
    public Builder port(int port) {
      requireMode(Mode.LAUNCH, "port");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /** Launch: the server's working directory (default: Infertune's). */
    public Builder directory(Path directory) {
      this.directory = Optional.of(directory);
      return this;
    }

    /**
     * Launch: the configuration the server starts with, laid over the profile's defaults. Attach:
     * the configuration the server runs now (default: the profile's defaults).
     */
    public Builder initial(Configuration configuration) {
      this.initial = Optional.of(configuration);
      return this;
    }

    /** How long a start or reconfiguration may take (default: the profile's readiness timeout). */
    public Builder readyTimeout(Duration timeout) {
      if (!timeout.isPositive()) {
        throw new IllegalArgumentException("readyTimeout must be positive");
      }
      this.readyTimeout = Optional.of(timeout);
      return this;
    }

    /** Launch: how long a stop waits after SIGTERM before SIGKILL (default: the profile's). */
    public Builder stopGrace(Duration grace) {
      requireMode(Mode.LAUNCH, "stopGrace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("stopGrace must not be negative");
      }
      this.stopGrace = Optional.of(grace);
      return this;
    }

    /** How many of the server's last log lines to keep (default 200). */
    public Builder tailLines(int lines) {
      if (lines < 1) {
        throw new IllegalArgumentException("tailLines must be >= 1");
      }
      this.tailLines = lines;
      return this;
    }

    /** The longest one request of the load may take (default 60 s). */
    public Builder requestTimeout(Duration timeout) {
      if (!timeout.isPositive()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** The longest one scrape of {@code /metrics} may take (default 10 s). */
    public Builder scrapeTimeout(Duration timeout) {
      if (!timeout.isPositive()) {
        throw new IllegalArgumentException("scrapeTimeout must be positive");
      }
      this.scrapeTimeout = timeout;
      return this;
    }

    /** The clock of metric snapshots (default {@link Ticker#system()}). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Attach: the command that reconfigures the server, a template whose {@code {flags}} is the
     * rendered knob flags and {@code {config_json}} the configuration as one JSON argument; the
     * profile's environment-variable knobs are set in its environment. Exit 0 means done.
     */
    public Builder reconfigureCommand(List<String> template) {
      requireMode(Mode.ATTACH, "reconfigureCommand");
      if (template.isEmpty()) {
        throw new IllegalArgumentException("reconfigureCommand is empty");
      }
      this.reconfigureCommand = Optional.of(List.copyOf(template));
      this.reconfigureWebhook = Optional.empty();
      return this;
    }

    /**
     * Attach: whether the reconfiguration command also gets, on its stdin, the JSON object a
     * webhook is POSTed ({@code {"runtime", "configuration", "flags", "environment"}}; default
     * false). Its stdin is closed after it, so that it can read to the end.
     */
    public Builder commandStdin(boolean stdin) {
      requireMode(Mode.ATTACH, "commandStdin");
      this.commandStdin = stdin;
      return this;
    }

    /**
     * Attach: the URL whose answer says the server is ready (default: the profile's readiness path
     * below the base URL), for a server whose health is checked elsewhere (a load balancer's).
     */
    public Builder healthUrl(URI url) {
      requireMode(Mode.ATTACH, "healthUrl");
      this.healthUrl = Optional.of(requireHttp(url, "healthUrl"));
      return this;
    }

    /** The server's Prometheus page (default: the profile's metrics path below the base URL). */
    public Builder metricsUrl(URI url) {
      this.metricsUrl = Optional.of(requireHttp(url, "metricsUrl"));
      return this;
    }

    private static URI requireHttp(URI url, String what) {
      Objects.requireNonNull(url, what);
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        throw new IllegalArgumentException(what + " must be an http(s) URL, got " + url);
      }
      return url;
    }

    /**
     * Attach: the URL that reconfigures the server: POSTed {@code {"runtime", "configuration":
     * {knob: value}, "flags": [...], "environment": {...}}}; a 2xx answer means done.
     */
    public Builder reconfigureWebhook(URI url) {
      requireMode(Mode.ATTACH, "reconfigureWebhook");
      this.reconfigureWebhook = Optional.of(requireHttp(url, "reconfigureWebhook"));
      this.reconfigureCommand = Optional.empty();
      return this;
    }

    /** Attach: whether a reconfiguration keeps the server serving (default false). */
    public Builder liveReconfigurable(boolean live) {
      requireMode(Mode.ATTACH, "liveReconfigurable");
      this.liveReconfigurable = live;
      return this;
    }

    private void requireMode(Mode m, String setting) {
      if (mode != m) {
        throw new IllegalStateException(
            setting + " applies to " + m.name().toLowerCase(java.util.Locale.ROOT) + " mode only");
      }
    }

    /**
     * Launch mode: starts the server with the initial configuration and returns once it is ready.
     * Attach mode: returns at once (the server's readiness is checked on each apply).
     *
     * @throws ApplyFailedException when the server does not start (with the reason and its log)
     * @throws IllegalArgumentException when the initial configuration is invalid or a variable the
     *     profile needs is missing
     */
    public HttpRuntimeAdapter build() throws ApplyFailedException {
      SearchSpace space = profile.knobSpace();
      Configuration start =
          space.validate(profile.defaults().overlay(initial.orElse(Configuration.empty())));
      Map<String, List<String>> vars = new LinkedHashMap<>(variables);
      URI url;
      if (mode == Mode.ATTACH) {
        url = withSlash(baseUrl.orElseThrow());
      } else {
        int chosen = port == 0 ? freePort(host) : port;
        String connectHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        url = URI.create("http://" + hostForUri(connectHost) + ":" + chosen + "/");
        vars.put("port", List.of(Integer.toString(chosen)));
        vars.put("host", List.of(host));
        // Fails now, not at the first restart, when the profile needs a variable nobody gave.
        profile.render(start, profile.variables(vars));
      }
      Settings s =
          new Settings(
              id.orElse(profile.name()),
              profile,
              Map.copyOf(vars),
              Map.copyOf(environment),
              directory,
              readyTimeout,
              stopGrace,
              tailLines,
              requestTimeout,
              scrapeTimeout,
              ticker,
              reconfigureCommand,
              commandStdin,
              reconfigureWebhook,
              healthUrl,
              metricsUrl,
              liveReconfigurable,
              HttpClient.newBuilder()
                  // HTTP/1.1 as every OpenAI-compatible server speaks it; no h2c upgrade dance.
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(Duration.ofSeconds(10))
                  .build());
      Map<String, List<String>> all = profile.variables(s.variables);
      if (mode == Mode.ATTACH) {
        HttpRuntimeAdapter a = new HttpRuntimeAdapter(s, url, new Reconfigurer(s, all, url));
        a.current = start;
        return a;
      }
      HttpRuntimeAdapter a = new HttpRuntimeAdapter(s, url, new Launcher(s, all, url));
      try {
        a.put(start);
      } catch (ApplyFailedException | RuntimeException e) {
        a.close();
        throw e;
      }
      a.current = start;
      return a;
    }

    private static URI withSlash(URI u) {
      return u.getPath() == null || u.getPath().endsWith("/") ? u : URI.create(u + "/");
    }

    private static String hostForUri(String h) {
      return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static int freePort(String host) {
      // Picked once and kept across restarts; another process could take it between the pick and
      // the first start, which then fails as a crash with the server's own bind error in its log.
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on " + host, e);
      }
    }
  }
}
