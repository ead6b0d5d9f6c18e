package io.infertune.tuner.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TrustRegionTest {
  private static final SearchSpace SPACE =
      SearchSpace.of(
          Parameter.integer("max_batch", 1, 101),
          Parameter.logInteger("cache_entries", 1, 10_000),
          Parameter.real("memory_fraction", 0.5, 0.9),
          Parameter.ordinal("batch_size", 1, 2, 4, 8, 16, 32, 64, 128, 256),
          Parameter.categorical("device", "cpu", "gpu"),
          Parameter.categorical("kv_dtype", "auto", "fp8").when("device", "gpu"),
          Parameter.integer("gpu_layers", 0, 40).when("device", "gpu"));

  private static final Configuration CPU_CENTRE =
      Configuration.of(
          "max_batch", 51,
          "cache_entries", 100,
          "memory_fraction", 0.7,
          "batch_size", 16,
          "device", "cpu");

  @Test
  void numericKnobsShrinkToTheRadiusAroundTheCentreInTheirOwnScale() {
    SearchSpace r = TrustRegion.around(SPACE, CPU_CENTRE, 0.2);
    IntParameter batch = (IntParameter) r.get("max_batch");
    // 101 values; ±20 % of the unit range is ±20 values, rounding to the grid aside.
    assertThat(batch.min()).isBetween(30L, 32L);
    assertThat(batch.max()).isBetween(70L, 72L);
    IntParameter cache = (IntParameter) r.get("cache_entries");
    // Log scale: 100 is the middle of [1, 10 000]; ±0.2 of 4 decades is ±0.8 decades.
    assertThat(cache.min()).isBetween(14L, 17L);
    assertThat(cache.max()).isBetween(600L, 800L);
    assertThat(cache.log()).isTrue();
    FloatParameter fraction = (FloatParameter) r.get("memory_fraction");
    assertThat(fraction.min()).isCloseTo(0.62, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(fraction.max()).isCloseTo(0.78, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void ordinalKnobsKeepNeighbouringLevelsAndCategoricalOnesTheCentresValue() {
    SearchSpace r = TrustRegion.around(SPACE, CPU_CENTRE, 0.2);
    // 9 levels: round(0.2 * 8) = 2 on either side of 16.
    assertThat(((OrdinalParameter) r.get("batch_size")).values())
        .containsExactly(4L, 8L, 16L, 32L, 64L);
    assertThat(((CategoricalParameter) r.get("device")).values()).containsExactly("cpu");
    // Only active on a gpu, which the region no longer allows: left out with their condition.
    assertThat(r.find("kv_dtype")).isEmpty();
    assertThat(r.find("gpu_layers")).isEmpty();
  }

  @Test
  void aSmallRadiusStillLeavesOneLevelEachSideAndEdgesClip() {
    Configuration atEdge = CPU_CENTRE.with("batch_size", 256).with("max_batch", 1);
    SearchSpace r = TrustRegion.around(SPACE, atEdge, 0.01);
    assertThat(((OrdinalParameter) r.get("batch_size")).values()).containsExactly(128L, 256L);
    IntParameter batch = (IntParameter) r.get("max_batch");
    assertThat(batch.min()).isEqualTo(1);
    assertThat(batch.max()).isBetween(1L, 3L);
  }

  @Test
  void childrenOfAKeptParentValueStayWithTheirOwnRegion() {
    Configuration gpu =
        CPU_CENTRE.with("device", "gpu").with("kv_dtype", "fp8").with("gpu_layers", 20);
    SearchSpace r = TrustRegion.around(SPACE, gpu, 0.25);
    assertThat(((CategoricalParameter) r.get("kv_dtype")).values()).containsExactly("fp8");
    IntParameter layers = (IntParameter) r.get("gpu_layers");
    assertThat(layers.min()).isBetween(9L, 11L);
    assertThat(layers.max()).isBetween(29L, 31L);
    assertThat(r.get("gpu_layers").when().orElseThrow().values()).containsExactly("gpu");
  }

  @Test
  void everyConfigurationOfTheRegionIsInTheSpaceAndNearTheCentre() {
    Random random = new Random(7);
    for (double radius : new double[] {0.05, 0.2, 0.5, 1.0}) {
      SearchSpace r = TrustRegion.around(SPACE, CPU_CENTRE, radius);
      assertThat(r.contains(CPU_CENTRE.restrictTo(r))).isTrue();
      double[] centre = SPACE.toUnit(CPU_CENTRE);
      for (int i = 0; i < 500; i++) {
        double[] u = new double[r.dimension()];
        for (int d = 0; d < u.length; d++) {
          u[d] = random.nextDouble();
        }
        Configuration c = r.fromUnit(u);
        assertThat(SPACE.contains(c)).as("%s in the space", c).isTrue();
        double[] full = SPACE.toUnit(c);
        for (String numeric : new String[] {"max_batch", "cache_entries", "memory_fraction"}) {
          int d = SPACE.names().indexOf(numeric);
          // Half a grid step of slack for integers snapped to their grid.
          assertThat(Math.abs(full[d] - centre[d])).as(numeric).isLessThanOrEqualTo(radius + 0.01);
        }
        assertThat(c.get("device")).isEqualTo("cpu");
      }
    }
  }

  @Test
  void aCentreOutsideTheDomainOrMissingKeepsTheWholeKnob() {
    Configuration odd = CPU_CENTRE.with("max_batch", 500);
    SearchSpace r = TrustRegion.around(SPACE, odd, 0.1);
    assertThat(r.get("max_batch")).isEqualTo(SPACE.get("max_batch"));
    assertThatThrownBy(() -> TrustRegion.around(SPACE, CPU_CENTRE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("radius");
    assertThatThrownBy(() -> TrustRegion.around(SPACE, CPU_CENTRE, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
