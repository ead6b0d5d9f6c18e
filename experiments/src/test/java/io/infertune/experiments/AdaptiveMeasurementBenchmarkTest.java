package io.infertune.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.experiments.AdaptiveMeasurementBenchmark.Arm;
import io.infertune.experiments.AdaptiveMeasurementBenchmark.CampaignResult;
import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.space.Configuration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's arms and its table; the benchmark itself runs from main, never as a test. */
class AdaptiveMeasurementBenchmarkTest {
  private static Configuration config(int batch, String quantization) {
    return Configuration.of(
        EmbeddedRuntime.BATCH_SIZE,
        batch,
        EmbeddedRuntime.BATCH_TIMEOUT_MS,
        2,
        EmbeddedRuntime.QUANTIZATION,
        quantization,
        EmbeddedRuntime.CACHE_ENTRIES,
        256);
  }

  private static CampaignResult result(
      String arm, long seed, double seconds, int pruned, Configuration best, double verified) {
    return new CampaignResult(
        arm, seed, seconds, 13, pruned, 0, 0, 1, 3, best, verified * 1.1, verified);
  }

  @Test
  void theArmsDifferOnlyInTheProtocol() {
    List<Arm> arms =
        new AdaptiveMeasurementBenchmark(
                null, null, null, null, null, AdaptiveMeasurementBenchmark.defaults(), null)
            .arms();
    assertThat(arms).extracting(Arm::name).containsExactly("fixed", "adaptive");
    assertThat(arms.get(0).spec().adaptiveWindow()).isFalse();
    assertThat(arms.get(0).spec().pruning()).isFalse();
    assertThat(arms.get(1).spec().adaptiveWindow()).isTrue();
    assertThat(arms.get(1).spec().pruning()).isTrue();
    assertThat(arms.get(1).spec().window()).isEqualTo(arms.get(0).spec().window());
    assertThat(arms.get(1).spec().warmup()).isEqualTo(arms.get(0).spec().warmup());
  }

  @Test
  void theTableComparesEachSeedsCampaignsAndSummarisesOverSeeds() {
    List<Arm> arms =
        new AdaptiveMeasurementBenchmark(
                null, null, null, null, null, AdaptiveMeasurementBenchmark.defaults(), null)
            .arms();
    Configuration good = config(16, "int8");
    Configuration other = config(8, "int8");
    List<CampaignResult> results =
        List.of(
            result("fixed", 1, 80, 0, good, 500),
            result("adaptive", 1, 40, 9, good, 500),
            result("fixed", 2, 90, 0, good, 500),
            result("adaptive", 2, 30, 10, other, 450),
            result("fixed", 3, 85, 0, other, 450),
            result("adaptive", 3, 34, 8, other, 450));
    String table = AdaptiveMeasurementBenchmark.table(results, arms);
    assertThat(table)
        .contains("| fixed | 85.0 [80.0, 90.0] | 0.0 | 500.0 [450.0, 500.0] |")
        .contains("| adaptive | 34.0 [30.0, 40.0] | 9.0 | 450.0 [450.0, 500.0] |")
        .contains("fixed time / adaptive time: median 2.50 [2.00, 3.00]")
        .contains("adaptive verified best / fixed verified best: median 1.000 [0.900, 1.000]")
        .contains("the same best configuration in 2 of 3 seeds")
        .contains(
            "| 2 | adaptive | 30.0 | 13 | 10 | 0 | 1.00 | 3.00 | b8 t2 int8 c256 | 495.0 | 450.0 |");
  }

  @Test
  void mediansOfOddAndEvenCounts() {
    assertThat(AdaptiveMeasurementBenchmark.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(AdaptiveMeasurementBenchmark.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
  }
}
