package io.infertune.store.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.tuner.measure.WindowReport;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A window report's share of the CPU taken by other processes: written when read, optional. */
class WindowReportWireFormatTest {
  @Test
  void theOthersCpuShareRoundTripsAndIsLeftOutWhenNotRead() {
    WindowReport noisy =
        new WindowReport(
            "throughput_rps",
            Optional.empty(),
            Duration.ofSeconds(2),
            true,
            WindowReport.End.CONVERGED,
            Optional.of(0.4));
    JsonNode json = WireFormat.writeWindowReport(noisy);
    assertThat(json.get("othersCpuShare").asDouble()).isEqualTo(0.4);
    WindowReport quiet =
        new WindowReport(
            "throughput_rps", Optional.empty(), Duration.ZERO, false, WindowReport.End.MAX_WINDOW);
    assertThat(WireFormat.writeWindowReport(quiet).has("othersCpuShare")).isFalse();

    for (WindowReport r : new WindowReport[] {noisy, quiet}) {
      io.infertune.tuner.measure.Measurement m =
          new io.infertune.tuner.measure.Measurement(
              java.util.Map.of(), Duration.ofSeconds(1), Optional.of(r));
      assertThat(
              WireFormat.readMeasurement(
                      WireFormat.parse(WireFormat.toJson(WireFormat.writeMeasurement(m))))
                  .report())
          .contains(r);
    }
  }
}
