package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.testkit.SearchStrategyContract;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomSearchTest extends SearchStrategyContract {
  private static final long[] SEEDS = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89};

  @Override
  protected SearchStrategy create(StrategyContext context) {
    return new RandomSearch(context);
  }

  @Test
  void everyCategoricalValueAppearsAboutEquallyOften() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.categorical("kernel", "a", "b", "c", "d", "e"), Parameter.real("x", 0, 1));
    int n = 250;
    for (long seed : SEEDS) {
      Map<String, Integer> counts = new HashMap<>();
      for (Configuration c : new RandomSearch(context(space, seed, n)).ask(n)) {
        counts.merge(c.getString("kernel"), 1, Integer::sum);
      }
      assertThat(counts).as("seed %d", seed).containsOnlyKeys("a", "b", "c", "d", "e");
      double expected = n / 5.0;
      double chiSquare = 0;
      for (int count : counts.values()) {
        chiSquare += (count - expected) * (count - expected) / expected;
      }
      // The 0.999 quantile of chi-square with 4 degrees of freedom is 18.47.
      assertThat(chiSquare).as("chi-square for seed %d: %s", seed, counts).isLessThan(18.47);
    }
  }

  @Test
  void logScaledParametersAreUniformInLogSpace() {
    SearchSpace space =
        SearchSpace.of(Parameter.logReal("lr", 1e-4, 1), Parameter.logInteger("batch", 1, 1024));
    for (long seed : SEEDS) {
      List<Configuration> sample = new RandomSearch(context(space, seed, 201)).ask(201);
      double lr = median(sample.stream().mapToDouble(c -> c.getDouble("lr")).toArray());
      double batch = median(sample.stream().mapToDouble(c -> c.getLong("batch")).toArray());
      // Geometric means 1e-2 and 32; a linear scale would put the medians near 0.5 and 512.
      assertThat(Math.log10(lr)).as("log10 median lr, seed %d", seed).isBetween(-2.5, -1.5);
      // The integer scale runs from 0.5 to 1024.5 (each end value gets its share): centre 2^4.5.
      assertThat(Math.log(batch) / Math.log(2)).as("log2 median batch").isBetween(3.3, 5.7);
    }
  }

  @Test
  void exhaustsAConditionalSpaceWithoutRepeatsThenAsksNothing() {
    SearchSpace space = mixedSpace(); // 4 batch sizes x (fp32 + int8 x 3 caches) x 5 threads = 80
    SearchStrategy s = create(context(space, 4, 100));
    List<Configuration> all = s.ask(100);
    assertThat(all).hasSize(80).doesNotHaveDuplicates();
    assertThat(all).allMatch(space::contains);
    assertThat(s.ask(1)).isEmpty();
    assertThat(s.state()).containsEntry("asked", 80).containsEntry("visited", 80);
  }

  @Test
  void toldConfigurationsAreNotAsked() {
    SearchSpace space = smallSpace();
    SearchStrategy s = create(context(space, 6, 6));
    List<Configuration> told =
        List.of(
            Configuration.of("batch_size", 1, "q", "fp32"),
            Configuration.of("batch_size", 1, "q", "int8"),
            Configuration.of("batch_size", 8, "q", "fp32"),
            Configuration.of("batch_size", 64, "q", "int8"));
    for (int i = 0; i < told.size(); i++) {
      s.tell(completed("old", i, told.get(i), i));
    }
    List<Configuration> rest = s.ask(6);
    assertThat(rest)
        .containsExactlyInAnyOrder(
            Configuration.of("batch_size", 8, "q", "int8"),
            Configuration.of("batch_size", 64, "q", "fp32"));
    assertThat(s.state()).containsEntry("told", 4).containsEntry("asked", 2);
  }

  @Test
  void aToldRuntimeConfigurationCountsAsItsPointInTheSpace() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.categorical("quantization", "fp32", "int8"),
            Parameter.categorical("kv", "auto", "fp8").when("quantization", "int8"));
    SearchStrategy s = create(context(space, 2, 3));
    // A runtime reports every knob, also those outside the space and those inactive here.
    s.tell(
        completed(
            "old", 0, Configuration.of("quantization", "fp32", "kv", "fp8", "replicas", 2), 1));
    // Not valid in the space (an active parameter is missing): ignored, but counted as told.
    s.tell(completed("old", 1, Configuration.of("quantization", "int8"), 1));
    assertThat(s.ask(5))
        .containsExactlyInAnyOrder(
            Configuration.of("quantization", "int8", "kv", "auto"),
            Configuration.of("quantization", "int8", "kv", "fp8"));
    assertThat(s.state()).containsEntry("told", 2).containsEntry("visited", 3);
  }

  @Test
  void differentSeedsGiveDifferentSequences() {
    SearchSpace space = mixedSpace();
    Set<List<Configuration>> sequences = new HashSet<>();
    for (long seed : SEEDS) {
      sequences.add(new RandomSearch(context(space, seed, 10)).ask(10));
    }
    assertThat(sequences).hasSize(SEEDS.length);
  }

  @Test
  void aLargeFiniteSpaceIsSampledWithoutEnumeration() {
    // 100001 x 129 points: more than Visited.ENUMERABLE, so duplicates are avoided by redrawing.
    SearchSpace space =
        SearchSpace.of(Parameter.integer("cache", 0, 100_000), Parameter.integer("batch", 0, 128));
    List<Configuration> asked = new RandomSearch(context(space, 9, 500)).ask(500);
    assertThat(asked).hasSize(500).doesNotHaveDuplicates().allMatch(space::contains);
  }

  static double median(double[] xs) {
    double[] sorted = xs.clone();
    Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }
}
