package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignStatus;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Infertune's own metrics on runtimes (apply timings, scrape errors) and campaigns by state. */
class InstrumentedRuntimeTest {
  private final MockClock clock = new MockClock();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);

  @Test
  void appliesAreTimedByOutcome() throws Exception {
    ManualTicker ticker = new ManualTicker();
    SimulatedRuntime sim = new SimulatedRuntime(ticker);
    // The runtime takes 250 ms to be ready after each apply.
    InstrumentedRuntime r =
        new InstrumentedRuntime(
            intercept(
                sim,
                "apply",
                () -> {
                  clock.add(Duration.ofMillis(250));
                  return null;
                }),
            meters);
    r.apply(Configuration.of("batch_size", 16));
    // Batch 64 in fp32 runs the simulated runtime out of memory.
    assertThatThrownBy(() -> r.apply(Configuration.of("batch_size", 64)))
        .isInstanceOf(ApplyFailedException.class);

    var ok = meters.get("infertune.runtime.apply").tags("runtime", "sim", "outcome", "ok").timer();
    assertThat(ok.count()).isEqualTo(1);
    assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    assertThat(
            meters
                .get("infertune.runtime.apply")
                .tags("runtime", "sim", "outcome", "out_of_memory")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(r.current()).isEqualTo(sim.current());
  }

  @Test
  void failedMetricReadsAreCountedAndStillFail() throws Exception {
    ManualTicker ticker = new ManualTicker();
    SimulatedRuntime sim = new SimulatedRuntime(ticker);
    MetricSource refused =
        () -> {
          throw new MetricSourceException("connection refused");
        };
    InstrumentedRuntime r =
        new InstrumentedRuntime(intercept(sim, "metrics", () -> refused), meters);
    var counter = meters.get("infertune.scrape.errors").tag("runtime", "sim").counter();
    assertThat(counter.count()).isZero();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> r.metrics().sample())
          .isInstanceOf(MetricSourceException.class)
          .hasMessageContaining("connection refused");
    }
    assertThat(counter.count()).isEqualTo(3);
  }

  @Test
  void campaignsAreCountedByStateAtMostOncePerMaxAge() {
    InMemoryTrialStore store = new InMemoryTrialStore();
    ManualTicker ticker = new ManualTicker();
    new CampaignStateMetrics(store, ticker, Duration.ofSeconds(5)).bindTo(meters);
    Campaign a = Campaign.created("a", TrialStoreContract.spec(), "test", ticker.now());
    store.createCampaign(a);
    store.createCampaign(Campaign.created("b", TrialStoreContract.spec(), "test", ticker.now()));
    assertThat(gauge("pending")).isEqualTo(2);
    assertThat(gauge("completed")).isZero();

    store.updateCampaign(a.finished(CampaignStatus.COMPLETED, "done", ticker.now()));
    assertThat(gauge("completed")).as("read less than 5 s ago").isZero();
    ticker.advance(Duration.ofSeconds(5));
    assertThat(gauge("completed")).isEqualTo(1);
    assertThat(gauge("pending")).isEqualTo(1);
  }

  /**
   * {@code runtime} with {@code before} run before each call of {@code method}; a non-null result
   * of {@code before} replaces the call's.
   */
  private static RuntimeAdapter intercept(
      RuntimeAdapter runtime, String method, Supplier<Object> before) {
    return (RuntimeAdapter)
        Proxy.newProxyInstance(
            RuntimeAdapter.class.getClassLoader(),
            new Class<?>[] {RuntimeAdapter.class},
            (proxy, m, args) -> {
              if (m.getName().equals(method)) {
                Object replaced = before.get();
                if (replaced != null) {
                  return replaced;
                }
              }
              try {
                return m.invoke(runtime, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private double gauge(String state) {
    return meters.get("infertune.campaigns").tag("state", state).gauge().value();
  }
}
