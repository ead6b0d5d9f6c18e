package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.ConfidenceInterval;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.measure.WindowReport;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aPrunedTrialShowsItsShortWindowItsPrecisionAndWhyItWasPruned() {
    ConfidenceInterval ci = new ConfidenceInterval(80, 100, 0.95);
    Measurement partial =
        new Measurement(
                Map.of("throughput_rps", new MetricSummary(90, 90, 99, 100, 3, Optional.of(ci))),
                Duration.ofMillis(1500))
            .withReport(
                new WindowReport(
                    "throughput_rps",
                    Optional.of(ci),
                    Duration.ofSeconds(2),
                    true,
                    WindowReport.End.STOPPED));
    Trial t =
        Trial.running("c", 4, Configuration.of("batch_size", 1), false, T0)
            .pruned(partial, 90, "pruned after 1.5 s: throughput_rps 99% CI [70, 110]", T0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ProgressPrinter(new PrintStream(out, true, StandardCharsets.UTF_8), 10).trialFinished(t);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("[ 5/10]")
        .contains("90.0 req/s")
        .contains("window   1.5 s ±11.1 %")
        .contains("PRUNED (pruned after 1.5 s: throughput_rps 99% CI [70, 110])");
  }
}
