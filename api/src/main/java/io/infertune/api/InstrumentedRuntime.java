package io.infertune.api;

import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;

/**
 * A runtime as the service sees it, with Infertune's own metrics on the two calls that reach the
 * runtime: {@code infertune.runtime.apply} (a timer, by runtime and outcome: {@code ok} or the
 * failure's reason) around every configuration change, whoever asks for it (a trial, a promotion,
 * an operator's push or rollback), and {@code infertune.scrape.errors} (by runtime) for every
 * failed read of its metrics. Everything else goes straight to the runtime.
 *
 * @implNote as thread-safe as the runtime it wraps; the meters are.
 */
final class InstrumentedRuntime implements RuntimeAdapter {
  private final RuntimeAdapter runtime;
  private final MeterRegistry registry;
  private final Counter scrapeErrors;

  InstrumentedRuntime(RuntimeAdapter runtime, MeterRegistry registry) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.scrapeErrors =
        Counter.builder("infertune.scrape.errors")
            .description("Failed reads of a runtime's metrics (scrapes, in-process counters)")
            .tag("runtime", runtime.id())
            .register(registry);
  }

  /** The runtime this one instruments. */
  RuntimeAdapter unwrap() {
    return runtime;
  }

  @Override
  public String id() {
    return runtime.id();
  }

  @Override
  public String kind() {
    return runtime.kind();
  }

  @Override
  public SearchSpace knobs() {
    return runtime.knobs();
  }

  @Override
  public Configuration defaults() {
    return runtime.defaults();
  }

  @Override
  public Configuration current() {
    return runtime.current();
  }

  @Override
  public void apply(Configuration configuration) throws ApplyFailedException {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "ok";
    try {
      runtime.apply(configuration);
    } catch (ApplyFailedException e) {
      outcome = e.reason().name().toLowerCase(Locale.ROOT);
      throw e;
    } catch (RuntimeException e) {
      outcome = "error";
      throw e;
    } finally {
      sample.stop(
          Timer.builder("infertune.runtime.apply")
              .description("Time to put a configuration into force, until the runtime is ready")
              .tag("runtime", runtime.id())
              .tag("outcome", outcome)
              .register(registry));
    }
  }

  @Override
  public void recover(Configuration lastKnownGood) throws ApplyFailedException {
    runtime.recover(lastKnownGood);
  }

  @Override
  public MetricSource metrics() {
    MetricSource source = runtime.metrics();
    return () -> {
      try {
        return source.sample();
      } catch (MetricSourceException e) {
        scrapeErrors.increment();
        throw e;
      }
    };
  }

  @Override
  public RequestSink requests() {
    return runtime.requests();
  }

  @Override
  public boolean liveReconfigurable() {
    return runtime.liveReconfigurable();
  }

  @Override
  public void close() {
    runtime.close();
  }

  @Override
  public String toString() {
    return runtime.toString();
  }
}
