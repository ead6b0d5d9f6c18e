package io.infertune.tuner.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
  private final SearchSpace space =
      SearchSpace.of(
          Parameter.ordinal("batch_size", 1, 2, 4, 8, 16),
          Parameter.categorical("quantization", "fp32", "int8"),
          Parameter.categorical("kv_cache_dtype", "auto", "fp8").when("quantization", "int8"),
          Parameter.logInteger("cache_entries", 1, 100_000),
          Parameter.real("gpu_memory_utilization", 0.5, 0.95));

  @Test
  void rejectsDuplicateNamesUnknownParentsAndInvertedRanges() {
    assertThatThrownBy(
            () -> SearchSpace.of(Parameter.integer("a", 0, 1), Parameter.integer("a", 0, 2)))
        .hasMessageContaining("'a' is declared twice");
    assertThatThrownBy(() -> SearchSpace.of(Parameter.integer("a", 0, 1).when("b", 1)))
        .hasMessageContaining("unknown parameter 'b'");
    assertThatThrownBy(() -> Parameter.integer("a", 5, 1))
        .hasMessageContaining("min 5 is greater than max 1");
    assertThatThrownBy(() -> Parameter.logReal("x", 0, 1)).hasMessageContaining("min > 0");
    assertThatThrownBy(() -> Parameter.ordinal("o")).hasMessageContaining("at least one value");
    assertThatThrownBy(() -> Parameter.categorical("c", "a", "a")).hasMessageContaining("twice");
    assertThatThrownBy(() -> new SearchSpace(List.of()))
        .hasMessageContaining("at least one parameter");
    assertThatThrownBy(
            () ->
                SearchSpace.of(
                    Parameter.categorical("q", "a"), Parameter.integer("x", 0, 1).when("q", "zzz")))
        .hasMessageContaining("must be one of");
  }

  @Test
  void conditionalParameterIsActiveOnlyUnderItsParentValues() {
    Configuration fp32 =
        Configuration.of(
            "batch_size",
            4,
            "quantization",
            "fp32",
            "cache_entries",
            10,
            "gpu_memory_utilization",
            0.9);
    assertThat(space.contains(fp32)).isTrue();
    assertThatThrownBy(() -> space.validate(fp32.with("kv_cache_dtype", "fp8")))
        .hasMessageContaining("'kv_cache_dtype' is inactive");
    Configuration int8 = fp32.with("quantization", "int8");
    assertThatThrownBy(() -> space.validate(int8))
        .hasMessageContaining("no value for parameter 'kv_cache_dtype'");
    assertThat(space.contains(int8.with("kv_cache_dtype", "fp8"))).isTrue();
  }

  @Test
  void validateCanonicalisesAndNamesTheOffendingParameter() {
    Configuration c =
        Configuration.of(
            "batch_size",
            4.0,
            "quantization",
            "fp32",
            "cache_entries",
            10,
            "gpu_memory_utilization",
            0.5f);
    assertThat(space.validate(c).get("batch_size")).isEqualTo(4L);
    assertThat(space.validate(c).get("gpu_memory_utilization")).isEqualTo(0.5);
    assertThatThrownBy(() -> space.validate(c.with("batch_size", 3)))
        .hasMessageContaining("'batch_size' must be one of");
    assertThatThrownBy(() -> space.validate(c.with("cache_entries", 0)))
        .hasMessageContaining("'cache_entries' must be in [1, 100000]");
    assertThatThrownBy(() -> space.validate(c.with("nope", 1)))
        .hasMessageContaining("unknown parameter 'nope'");
  }

  @Test
  void unitCoordinatesRoundTripAndStayInTheSpace() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 500; i++) {
      double[] u = new double[space.dimension()];
      for (int d = 0; d < u.length; d++) {
        u[d] = rng.nextDouble();
      }
      Configuration c = space.fromUnit(u);
      assertThat(space.contains(c)).as("%s", c).isTrue();
      assertThat(space.fromUnit(space.toUnit(c))).isEqualTo(c);
    }
  }

  @Test
  void logIntegerIsUniformInLogSpace() {
    IntParameter p = Parameter.logInteger("cache", 1, 100_000);
    SplittableRandom rng = new SplittableRandom(3);
    int below316 = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      if (p.fromUnit(rng.nextDouble()) < 316) {
        below316++;
      }
    }
    // Values below 316 are raw draws below 315.5 on [0.5, 100000.5] in log space (each integer
    // owns the half-units around it, so the ends get their share).
    double expected = (Math.log(315.5) - Math.log(0.5)) / (Math.log(100_000.5) - Math.log(0.5));
    assertThat(below316 / (double) n)
        .isCloseTo(expected, org.assertj.core.api.Assertions.within(0.015));
  }

  @Test
  void integerEndsGetTheirShareOfTheUnitInterval() {
    IntParameter p = Parameter.integer("threads", 1, 4);
    assertThat(p.fromUnit(0.0)).isEqualTo(1L);
    assertThat(p.fromUnit(0.24)).isEqualTo(1L);
    assertThat(p.fromUnit(0.26)).isEqualTo(2L);
    assertThat(p.fromUnit(1.0)).isEqualTo(4L);
    assertThat(p.withStep(2).gridValues(10)).containsExactly(1L, 3L);
  }

  @Test
  void cardinalityAndGridValues() {
    assertThat(
            SearchSpace.of(Parameter.ordinal("b", 1, 2), Parameter.integer("t", 1, 3))
                .cardinality())
        .isEqualTo(6);
    assertThat(space.cardinality()).isEqualTo(Long.MAX_VALUE);
    assertThat(Parameter.real("x", 0, 1).gridValues(3)).containsExactly(0.0, 0.5, 1.0);
    assertThat(Parameter.logInteger("c", 1, 10_000).gridValues(5))
        .containsExactly(1L, 10L, 100L, 1000L, 10_000L);
  }

  @Test
  void conditionsAreCanonicalisedAgainstTheParent() {
    SearchSpace s =
        SearchSpace.of(Parameter.ordinal("b", 1, 2), Parameter.integer("x", 0, 1).when("b", 2.0));
    assertThat(s.get("x").when()).isEqualTo(Optional.of(new Condition("b", List.of(2L))));
  }
}
