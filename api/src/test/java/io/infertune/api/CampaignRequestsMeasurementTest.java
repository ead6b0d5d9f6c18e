package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The measurement protocol a campaign request gets. */
class CampaignRequestsMeasurementTest {
  private final CampaignRequests requests;

  CampaignRequestsMeasurementTest() {
    RuntimeRegistry runtimes = new RuntimeRegistry();
    runtimes.register(new SimulatedRuntime(new ManualTicker()));
    requests = new CampaignRequests(runtimes);
  }

  private MeasurementSpec measurement(String body) throws Exception {
    JsonNode json = WireFormat.mapper().readTree(body);
    return requests.parse(json).measurement();
  }

  @Test
  void aRequestWithoutAMeasurementGetsTheAdaptiveProtocol() throws Exception {
    MeasurementSpec m = measurement("{\"runtime\": \"sim\"}");
    assertThat(m.adaptiveWindow()).isTrue();
    assertThat(m.minWindow()).isEqualTo(Duration.ofSeconds(2));
    assertThat(m.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(m.targetRelativeHalfWidth()).isEqualTo(0.05);
    assertThat(m.stableWarmup()).isTrue();
    assertThat(m.pruning()).isTrue();
    assertThat(m.remeasureIncumbentEvery()).isEqualTo(5);
  }

  @Test
  void aShortWindowWithoutAMinimumBecomesAFixedWindow() throws Exception {
    MeasurementSpec m =
        measurement(
            "{\"runtime\": \"sim\", \"measurement\": {\"warmupSeconds\": 0.2,"
                + " \"windowSeconds\": 1, \"sampleIntervalSeconds\": 0.5}}");
    assertThat(m.window()).isEqualTo(Duration.ofSeconds(1));
    assertThat(m.adaptiveWindow()).isFalse();
  }

  @Test
  void anExplicitMinimumAboveTheWindowIsAnErrorAtItsField() {
    assertThatThrownBy(
            () ->
                measurement(
                    "{\"runtime\": \"sim\", \"measurement\": {\"windowSeconds\": 1,"
                        + " \"minWindowSeconds\": 4}}"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getMessage()).contains("minWindow must be at least");
              assertThat(e.field()).contains("measurement.minWindowSeconds");
            });
  }
}
