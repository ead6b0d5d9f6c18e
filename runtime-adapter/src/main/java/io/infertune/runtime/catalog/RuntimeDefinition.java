package io.infertune.runtime.catalog;

import io.infertune.runtime.command.CommandRuntimeAdapter;
import io.infertune.runtime.command.CommandSpec;
import io.infertune.runtime.http.HttpRuntimeAdapter;
import io.infertune.runtime.http.LaunchProfile;
import io.infertune.runtime.triton.TritonRuntimeAdapter;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Names;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One runtime of a {@link RuntimeFile}: what kind of adapter to open and with which settings,
 * validated when read, opened (a server launched, a Triton model connected, a streaming program
 * started) by {@link #open}.
 */
public sealed interface RuntimeDefinition
    permits RuntimeDefinition.Launch,
        RuntimeDefinition.Attach,
        RuntimeDefinition.Triton,
        RuntimeDefinition.Command {

  /** The runtime's id in URLs and records. */
  String id();

  /** {@code http}, {@code attach}, {@code triton} or {@code command}, as the file says. */
  String kind();

  /**
   * Opens the adapter.
   *
   * @param variables what every profile's command may use beside its own ({@code {infertune}},
   *     {@code {java}}, {@code {data_dir}}); the definition's variables win
   * @throws OpenFailedException when the runtime cannot be started or reached
   */
  RuntimeAdapter open(Map<String, List<String>> variables, Ticker ticker)
      throws OpenFailedException;

  /**
   * {@code kind: http}: a server Infertune launches from a launch profile and restarts with new
   * flags on every configuration.
   *
   * @param port 0 for a free port, picked once
   * @param initial the configuration it starts with, laid over the profile's defaults
   */
  record Launch(
      String id,
      LaunchProfile profile,
      Map<String, List<String>> variables,
      Map<String, String> environment,
      String host,
      int port,
      Configuration initial,
      Optional<Duration> readyTimeout,
      Optional<Duration> stopGrace,
      Optional<Path> directory)
      implements RuntimeDefinition {
    public Launch {
      Names.require("runtime", id);
      Objects.requireNonNull(profile, "profile");
      variables = Map.copyOf(variables);
      environment = Map.copyOf(environment);
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      profile.knobSpace().validate(profile.defaults().overlay(initial));
    }

    @Override
    public String kind() {
      return "http";
    }

    @Override
    public RuntimeAdapter open(Map<String, List<String>> common, Ticker ticker)
        throws OpenFailedException {
      HttpRuntimeAdapter.Builder b =
          HttpRuntimeAdapter.launch(profile)
              .id(id)
              .host(host)
              .port(port)
              .initial(initial)
              .ticker(ticker);
      merged(common, variables).forEach(b::variable);
      environment.forEach(b::environment);
      readyTimeout.ifPresent(b::readyTimeout);
      stopGrace.ifPresent(b::stopGrace);
      directory.ifPresent(b::directory);
      try {
        return b.build();
      } catch (Exception e) {
        throw new OpenFailedException(this, e);
      }
    }
  }

  /**
   * {@code kind: attach}: a server Infertune did not start, described by a launch profile (its
   * knobs, metric mapping and API), reconfigured through {@code reconfigure}, or only observed
   * without it.
   *
   * @param initial the configuration it runs now, laid over the profile's defaults
   */
  record Attach(
      String id,
      LaunchProfile profile,
      URI url,
      Optional<URI> healthUrl,
      Optional<URI> metricsUrl,
      Map<String, List<String>> variables,
      Configuration initial,
      Optional<Reconfigure> reconfigure,
      boolean liveReconfigurable,
      Optional<Duration> readyTimeout)
      implements RuntimeDefinition {
    public Attach {
      Names.require("runtime", id);
      Objects.requireNonNull(profile, "profile");
      Objects.requireNonNull(url, "url");
      variables = Map.copyOf(variables);
      profile.knobSpace().validate(profile.defaults().overlay(initial));
    }

    @Override
    public String kind() {
      return "attach";
    }

    @Override
    public RuntimeAdapter open(Map<String, List<String>> common, Ticker ticker)
        throws OpenFailedException {
      try {
        HttpRuntimeAdapter.Builder b =
            HttpRuntimeAdapter.attach(profile, url)
                .id(id)
                .initial(initial)
                .liveReconfigurable(liveReconfigurable)
                .ticker(ticker);
        merged(common, variables).forEach(b::variable);
        healthUrl.ifPresent(b::healthUrl);
        metricsUrl.ifPresent(b::metricsUrl);
        readyTimeout.ifPresent(b::readyTimeout);
        if (reconfigure.isPresent()) {
          switch (reconfigure.get()) {
            case Webhook w -> b.reconfigureWebhook(w.url());
            case ReconfigureCommand c -> {
              b.reconfigureCommand(c.command()).commandStdin(c.stdin());
              c.environment().forEach(b::environment);
            }
          }
        }
        return b.build();
      } catch (Exception e) {
        throw new OpenFailedException(this, e);
      }
    }
  }

  /** How an attached server is told its new configuration. */
  sealed interface Reconfigure permits Webhook, ReconfigureCommand {}

  /** POST the configuration as JSON to {@code url}; a 2xx answer means done. */
  record Webhook(URI url) implements Reconfigure {
    public Webhook {
      Objects.requireNonNull(url, "url");
    }
  }

  /**
   * Run {@code command} (an argument array, never a shell) with {@code {flags}} and {@code
   * {config_json}} expanded; with {@code stdin}, the configuration as JSON on its stdin too.
   */
  record ReconfigureCommand(List<String> command, boolean stdin, Map<String, String> environment)
      implements Reconfigure {
    public ReconfigureCommand {
      command = List.copyOf(command);
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command is empty");
      }
      environment = Map.copyOf(environment);
    }
  }

  /** {@code kind: triton}: one model on a Triton server in explicit model-control mode. */
  record Triton(
      String id,
      URI url,
      Optional<URI> metricsUrl,
      String model,
      Optional<List<Long>> maxBatchSizes,
      Optional<Long> maxQueueDelayMicros,
      Optional<Long> maxInstances,
      Optional<List<String>> instanceKinds,
      Optional<Duration> readyTimeout,
      Optional<Duration> loadTimeout,
      Optional<Duration> requestTimeout)
      implements RuntimeDefinition {
    public Triton {
      Names.require("runtime", id);
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(model, "model");
    }

    @Override
    public String kind() {
      return "triton";
    }

    /** The builder, every setting applied. */
    private TritonRuntimeAdapter.Builder builder(Ticker ticker) {
      TritonRuntimeAdapter.Builder b =
          TritonRuntimeAdapter.builder().id(id).url(url).model(model).ticker(ticker);
      metricsUrl.ifPresent(b::metricsUrl);
      maxBatchSizes.ifPresent(b::maxBatchSizes);
      maxQueueDelayMicros.ifPresent(b::maxQueueDelayMicros);
      maxInstances.ifPresent(b::maxInstances);
      instanceKinds.ifPresent(b::instanceKinds);
      readyTimeout.ifPresent(b::readyTimeout);
      loadTimeout.ifPresent(b::loadTimeout);
      requestTimeout.ifPresent(b::requestTimeout);
      return b;
    }

    @Override
    public RuntimeAdapter open(Map<String, List<String>> common, Ticker ticker)
        throws OpenFailedException {
      try {
        return builder(ticker).build();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OpenFailedException(this, e);
      } catch (Exception e) {
        throw new OpenFailedException(this, e);
      }
    }
  }

  /** {@code kind: command}: any program, run with its configuration, reporting metrics. */
  record Command(CommandSpec spec) implements RuntimeDefinition {
    public Command {
      Objects.requireNonNull(spec, "spec");
      Names.require("runtime", spec.id());
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
    public RuntimeAdapter open(Map<String, List<String>> common, Ticker ticker)
        throws OpenFailedException {
      try {
        return CommandRuntimeAdapter.start(spec, ticker);
      } catch (Exception e) {
        throw new OpenFailedException(this, e);
      }
    }
  }

  private static Map<String, List<String>> merged(
      Map<String, List<String>> common, Map<String, List<String>> own) {
    Map<String, List<String>> out = new LinkedHashMap<>(common);
    out.putAll(own);
    return out;
  }

  /** A runtime of the file could not be opened; the message names it and says why. */
  final class OpenFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    OpenFailedException(RuntimeDefinition d, Exception cause) {
      super(
          "runtime '" + d.id() + "' (" + d.kind() + ") could not be opened: " + cause.getMessage(),
          cause);
    }
  }
}
