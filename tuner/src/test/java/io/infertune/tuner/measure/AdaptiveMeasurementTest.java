package io.infertune.tuner.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.ShapedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The adaptive measurement protocol: stability warm-up, precision window, caller's early stop. */
class AdaptiveMeasurementTest {
  private static final Configuration B4_INT8 =
      Configuration.of("batch_size", 4, "quantization", "int8");

  private final ManualTicker ticker = new ManualTicker();
  private final Measurer measurer = new Measurer(ticker, 2);

  /** 1 s intervals; window of 3 to 60 s aiming at ±5 %; fixed 1 s warm-up. */
  private static MeasurementSpec.Builder adaptive() {
    return MeasurementSpec.builder()
        .warmup(Duration.ofSeconds(1))
        .sampleInterval(Duration.ofSeconds(1))
        .adaptiveWindow(Duration.ofSeconds(3), Duration.ofSeconds(60), 0.05);
  }

  private Measurement measure(ShapedRuntime runtime, MeasurementSpec spec) throws Exception {
    runtime.apply(B4_INT8);
    return measurer.measure(
        runtime, new TrickleWorkload(), spec, Metrics.THROUGHPUT_RPS, WindowMonitor.NONE);
  }

  private static WindowReport report(Measurement m) {
    return m.report().orElseThrow();
  }

  @Test
  void aSteadyMetricStopsAtTheMinimumWindow() throws Exception {
    Measurement m = measure(ShapedRuntime.builder(ticker).build(), adaptive().build());
    assertThat(m.window()).isEqualTo(Duration.ofSeconds(3));
    assertThat(report(m).end()).isEqualTo(WindowReport.End.CONVERGED);
    assertThat(report(m).metric()).isEqualTo(Metrics.THROUGHPUT_RPS);
    // 100 * sqrt(4) * 2 requests per second, every interval alike: a zero-width interval.
    assertThat(m.value(Metrics.THROUGHPUT_RPS).getAsDouble()).isCloseTo(400, within(1e-6));
    assertThat(report(m).interval().orElseThrow().halfWidth()).isCloseTo(0, within(1e-6));
  }

  @Test
  void aNoisyMetricGrowsTheWindowUntilTheTargetIsMet() throws Exception {
    // ±15 % per interval needs about (2 * 0.15 / 0.05)^2 = 36 intervals for ±5 % at 95 %.
    List<Long> seconds = new ArrayList<>();
    for (long seed = 1; seed <= 20; seed++) {
      ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.15, seed).build();
      Measurement m = measure(runtime, adaptive().build());
      WindowReport r = report(m);
      assertThat(r.end()).as("seed %d", seed).isEqualTo(WindowReport.End.CONVERGED);
      assertThat(r.interval().orElseThrow().relativeHalfWidth()).isLessThanOrEqualTo(0.05);
      assertThat(m.summary(Metrics.THROUGHPUT_RPS).orElseThrow().ci())
          .as("the recorded interval is the throughput summary's")
          .isEqualTo(r.interval());
      seconds.add(m.window().toSeconds());
    }
    seconds.sort(null);
    // A sequential rule stops early now and then on a lucky run of similar intervals (a small
    // sample underestimates the spread); most windows run long.
    assertThat(seconds.stream().filter(s -> s > 10).count()).isGreaterThanOrEqualTo(17);
    assertThat(seconds.get(seconds.size() / 2)).isBetween(20L, 55L);
  }

  @Test
  void theMaximumWindowBoundsAMetricTooNoisyForTheTarget() throws Exception {
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.5, 3).build();
    Measurement m =
        measure(
            runtime,
            adaptive().adaptiveWindow(Duration.ofSeconds(3), Duration.ofSeconds(10), 0.01).build());
    assertThat(m.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(report(m).end()).isEqualTo(WindowReport.End.MAX_WINDOW);
    assertThat(report(m).interval().orElseThrow().relativeHalfWidth()).isGreaterThan(0.01);
  }

  @Test
  void aFixedProtocolMeasuresExactlyItsWarmupAndWindow() throws Exception {
    MeasurementSpec fixed =
        new MeasurementSpec(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(1));
    Measurement m = measure(ShapedRuntime.builder(ticker).build(), fixed);
    assertThat(m.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(report(m).warmup()).isEqualTo(Duration.ofSeconds(2));
    assertThat(report(m).warmupSettled()).isFalse();
    assertThat(report(m).end()).isEqualTo(WindowReport.End.MAX_WINDOW);
  }

  @Test
  void theWarmupEndsAsSoonAsTheMetricIsStable() throws Exception {
    MeasurementSpec spec = adaptive().warmup(Duration.ofSeconds(30)).stableWarmup(4, 0.05).build();
    Measurement m = measure(ShapedRuntime.builder(ticker).build(), spec);
    // Four 1 s intervals are the first chance to see four values.
    assertThat(report(m).warmup()).isEqualTo(Duration.ofSeconds(4));
    assertThat(report(m).warmupSettled()).isTrue();
  }

  @Test
  void theWarmupWaitsOutARampAndNoLonger() throws Exception {
    // The rate climbs for 10 s after the apply; four flat intervals follow by 14 s.
    MeasurementSpec spec = adaptive().warmup(Duration.ofSeconds(60)).stableWarmup(4, 0.05).build();
    Measurement m =
        measure(ShapedRuntime.builder(ticker).ramp(Duration.ofSeconds(10)).build(), spec);
    assertThat(report(m).warmupSettled()).isTrue();
    assertThat(report(m).warmup()).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(15));
  }

  @Test
  void theWarmupLastsToItsMaximumWhileTheMetricDrifts() throws Exception {
    // A 20 s ramp gains about 9 % of the mean over any four intervals: never stable in 15 s.
    MeasurementSpec spec = adaptive().warmup(Duration.ofSeconds(15)).stableWarmup(4, 0.05).build();
    Measurement m =
        measure(ShapedRuntime.builder(ticker).ramp(Duration.ofSeconds(20)).build(), spec);
    assertThat(report(m).warmupSettled()).isFalse();
    assertThat(report(m).warmup()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void aNoisyButLevelMetricUsuallySettlesLongBeforeTheMaximumWarmup() throws Exception {
    MeasurementSpec spec = adaptive().warmup(Duration.ofSeconds(30)).stableWarmup(4, 0.05).build();
    long[] warmups = new long[20];
    for (int seed = 1; seed <= warmups.length; seed++) {
      ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.05, seed).build();
      warmups[seed - 1] = report(measure(runtime, spec)).warmup().toSeconds();
    }
    Arrays.sort(warmups);
    assertThat(warmups[warmups.length / 2]).isLessThanOrEqualTo(12);
  }

  @Test
  void theMonitorIsAskedOnlyAfterTheMinimumWindowAndMayStopIt() throws Exception {
    List<Duration> asked = new ArrayList<>();
    WindowMonitor stopAtFive =
        p -> {
          asked.add(p.elapsed());
          assertThat(p.measurement()).isPresent();
          return p.elapsed().compareTo(Duration.ofSeconds(5)) >= 0
              ? Optional.of("enough")
              : Optional.empty();
        };
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.3, 7).build();
    runtime.apply(B4_INT8);
    Measurement m =
        measurer.measure(
            runtime,
            new TrickleWorkload(),
            adaptive().adaptiveWindow(Duration.ofSeconds(3), Duration.ofSeconds(60), 0.01).build(),
            Metrics.THROUGHPUT_RPS,
            stopAtFive);
    assertThat(asked)
        .containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5));
    assertThat(m.window()).isEqualTo(Duration.ofSeconds(5));
    assertThat(report(m).end()).isEqualTo(WindowReport.End.STOPPED);
  }

  @Test
  void intervalsAtAStricterLevelAreWiderAndQuantilesHaveOne() throws Exception {
    List<WindowProgress> seen = new ArrayList<>();
    List<Optional<ConfidenceInterval>> at95 = new ArrayList<>();
    List<Optional<ConfidenceInterval>> at99 = new ArrayList<>();
    List<Optional<ConfidenceInterval>> p95 = new ArrayList<>();
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.2, 11).build();
    runtime.apply(B4_INT8);
    measurer.measure(
        runtime,
        new TrickleWorkload(),
        adaptive().adaptiveWindow(Duration.ofSeconds(5), Duration.ofSeconds(6), 0.001).build(),
        Metrics.THROUGHPUT_RPS,
        p -> {
          seen.add(p);
          at95.add(p.interval(Metrics.THROUGHPUT_RPS, 0.95));
          at99.add(p.interval(Metrics.THROUGHPUT_RPS, 0.99));
          p95.add(p.interval(Metrics.LATENCY_P95_MS, 0.95));
          return Optional.empty();
        });
    assertThat(seen).hasSize(1);
    assertThat(at99.get(0).orElseThrow().halfWidth())
        .isGreaterThan(at95.get(0).orElseThrow().halfWidth());
    // Latency is the same 16 ms in every interval: a quantile interval of width 0 at its value.
    ConfidenceInterval q = p95.get(0).orElseThrow();
    assertThat(q.low()).isCloseTo(q.high(), within(1e-9)).isBetween(10.0, 20.0);
  }

  @Test
  void theStabilityTestIsASlopeNotASpread() {
    assertThat(Measurer.stable(new double[] {100, 95, 105, 100}, 0.05)).isTrue();
    assertThat(Measurer.stable(new double[] {90, 95, 100, 105}, 0.05)).isFalse();
    assertThat(Measurer.stable(new double[] {0, 0, 0}, 0.05)).isTrue();
    // A line that moves 24 % amid noise of ±40 %: no evidence of stability, so wait.
    assertThat(Measurer.stable(new double[] {100, 60, 140, 100}, 0.05)).isFalse();
  }
}
