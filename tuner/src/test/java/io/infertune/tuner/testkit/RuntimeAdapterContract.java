package io.infertune.tuner.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link RuntimeAdapter} contract. Every adapter's test extends this class. */
public abstract class RuntimeAdapterContract {
  protected RuntimeAdapter adapter;

  /** A started adapter in its default configuration. */
  protected abstract RuntimeAdapter createAdapter() throws Exception;

  /**
   * A configuration within the knobs' ranges that the runtime itself refuses (a server that does
   * not start with it, an operator's webhook that declines it), if the test can arrange one; the
   * contract then checks that the refusal fails the apply and leaves the runtime serving as before.
   */
  protected Optional<Configuration> refusedConfiguration() {
    return Optional.empty();
  }

  /** An input the runtime accepts. */
  protected String sampleInput() {
    return "The quick brown fox jumps over the lazy dog.";
  }

  @BeforeEach
  void start() throws Exception {
    adapter = createAdapter();
  }

  @AfterEach
  void stop() {
    adapter.close();
  }

  @Test
  void defaultsAreAValidConfigurationOfEveryKnob() {
    assertThat(adapter.id()).isNotBlank();
    assertThat(adapter.knobs().validate(adapter.defaults())).isEqualTo(adapter.defaults());
    assertThat(adapter.current()).isEqualTo(adapter.defaults());
  }

  @Test
  void applyChangesOnlyTheGivenKnobs() throws Exception {
    Parameter knob = adapter.knobs().parameters().get(0);
    Object other = alternative(knob, adapter.current().get(knob.name()));
    Configuration before = adapter.current();
    adapter.apply(Configuration.of(knob.name(), other));
    assertThat(adapter.current()).isEqualTo(before.with(knob.name(), other));
  }

  @Test
  void anInvalidValueIsRejectedAndChangesNothing() {
    Configuration before = adapter.current();
    assertThatThrownBy(() -> adapter.apply(Configuration.of("no_such_knob", 1)))
        .isInstanceOf(ApplyFailedException.class)
        .satisfies(
            e ->
                assertThat(((ApplyFailedException) e).reason())
                    .isEqualTo(ApplyFailedException.Reason.REJECTED));
    assertThat(adapter.current()).isEqualTo(before);
  }

  @Test
  void servesRequestsAndCountsThem() throws Exception {
    MetricSnapshot before = adapter.metrics().sample();
    for (int i = 0; i < 5; i++) {
      adapter
          .requests()
          .submit(InferenceRequest.embed(sampleInput() + i))
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    }
    MetricSnapshot after = adapter.metrics().sample();
    assertThat(
            after.counter(Metrics.SOURCE_REQUESTS).orElseThrow()
                - before.counter(Metrics.SOURCE_REQUESTS).orElseThrow())
        .isGreaterThanOrEqualTo(5);
    assertThat(after.histogram(Metrics.SOURCE_LATENCY_SECONDS)).isPresent();
    assertThat(after.nanos()).isGreaterThanOrEqualTo(before.nanos());
  }

  @Test
  void servesAfterAReconfiguration() throws Exception {
    Parameter knob = adapter.knobs().parameters().get(0);
    adapter.apply(
        Configuration.of(knob.name(), alternative(knob, adapter.current().get(knob.name()))));
    adapter
        .requests()
        .submit(InferenceRequest.embed(sampleInput()))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void aConfigurationTheRuntimeRefusesFailsTheApplyAndKeepsTheCurrentOne() throws Exception {
    Optional<Configuration> refused = refusedConfiguration();
    Assumptions.assumeTrue(refused.isPresent(), "the test arranges no refused configuration");
    Configuration before = adapter.current();
    assertThat(adapter.knobs().validate(before.overlay(refused.get())))
        .as("within the knobs' ranges: the runtime, not the validation, refuses it")
        .isNotNull();
    assertThatThrownBy(() -> adapter.apply(refused.get()))
        .isInstanceOf(ApplyFailedException.class)
        .satisfies(
            e ->
                assertThat(((ApplyFailedException) e).reason())
                    .isNotEqualTo(ApplyFailedException.Reason.UNAVAILABLE));
    assertThat(adapter.current()).isEqualTo(before);
    adapter
        .requests()
        .submit(InferenceRequest.embed(sampleInput()))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  /** A value of {@code knob} other than {@code current}. */
  protected static Object alternative(Parameter knob, Object current) {
    for (Object v : knob.gridValues(3)) {
      if (!v.equals(current)) {
        return v;
      }
    }
    throw new IllegalStateException("knob " + knob.name() + " has a single value");
  }
}
