package io.infertune.tuner.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageHinkleyTest {
  private static final int SEEDS = 20;
  private static final int SAMPLES = 2000;
  private static final int CHANGE_AT = 500; // index of the first shifted sample

  /** Alarms raised over {@code n} samples of mean 100, sd 5 (a throughput in rps). */
  private static int alarmsInNoise(DriftPolicy policy, long seed, int n) {
    Random random = new Random(seed);
    PageHinkley ph = new PageHinkley(policy);
    int alarms = 0;
    for (int i = 0; i < n; i++) {
      alarms += ph.add(100 + 5 * random.nextGaussian()).isPresent() ? 1 : 0;
    }
    return alarms;
  }

  /**
   * Samples from the change to the first alarm at or after it (1 = the first shifted sample), or
   * empty when there was none within {@code SAMPLES}; {@code before[0]} counts earlier alarms.
   */
  private static Optional<Integer> delay(
      DriftPolicy policy, long seed, double shiftSigmas, DriftDirection expected, int[] before) {
    Random random = new Random(seed);
    PageHinkley ph = new PageHinkley(policy);
    for (int i = 0; i < SAMPLES; i++) {
      double mean = i < CHANGE_AT ? 100 : 100 + 5 * shiftSigmas;
      Optional<PageHinkley.Alarm> a = ph.add(mean + 5 * random.nextGaussian());
      if (a.isPresent()) {
        if (i < CHANGE_AT) {
          before[0]++;
        } else {
          assertThat(a.get().direction()).isEqualTo(expected);
          return Optional.of(i - CHANGE_AT + 1);
        }
      }
    }
    return Optional.empty();
  }

  @Test
  void stationaryNoiseRaisesFewFalseAlarms() {
    List<Integer> perSeed = new ArrayList<>();
    for (long seed = 1; seed <= SEEDS; seed++) {
      perSeed.add(alarmsInNoise(DriftPolicy.DEFAULT, seed, SAMPLES));
    }
    int total = perSeed.stream().mapToInt(Integer::intValue).sum();
    // Measured with the default policy: 3 alarms in 40 000 samples, at most 1 per seed (over 100
    // seeds: 5 in 200 000). The bounds leave room for a few times that.
    assertThat(total).isLessThanOrEqualTo(10);
    assertThat(Collections.max(perSeed)).isLessThanOrEqualTo(3);
  }

  @Test
  void anAlarmReportsTheMeansAroundTheChangeAndRestartsTheDetector() {
    Random random = new Random(7);
    PageHinkley ph = new PageHinkley(DriftPolicy.DEFAULT);
    Optional<PageHinkley.Alarm> alarm = Optional.empty();
    for (int i = 0; i < 1000 && alarm.isEmpty(); i++) {
      alarm = ph.add((i < CHANGE_AT ? 100 : 115) + 5 * random.nextGaussian());
    }
    PageHinkley.Alarm a = alarm.orElseThrow();
    assertThat(a.direction()).isEqualTo(DriftDirection.UP);
    assertThat(a.statistic()).isGreaterThan(DriftPolicy.DEFAULT.lambda());
    // 500 samples before the change: their mean is within a few standard errors (0.22) of 100.
    assertThat(a.meanBefore()).isCloseTo(100, within(1.5));
    // A handful of samples after it: their mean is near 115, with a looser tolerance.
    assertThat(a.meanAfter()).isCloseTo(115, within(6.0));
    assertThat(ph.samples()).isZero();
    assertThat(ph.statistic()).isZero();
  }

  @Test
  void fadingStillCatchesAStep() {
    DriftPolicy fading = DriftPolicy.DEFAULT.withAlpha(0.9);
    int caught = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      Optional<Integer> d = delay(fading, seed, 3, DriftDirection.UP, new int[1]);
      caught += d.isPresent() && d.get() <= 10 ? 1 : 0;
    }
    assertThat(caught).isGreaterThanOrEqualTo(19);
  }

  @Test
  void aConstantSeriesIsJudgedOnItsScaleFloor() {
    PageHinkley ph = new PageHinkley(DriftPolicy.DEFAULT);
    for (int i = 0; i < 100; i++) {
      // 0.4 % above the level, under the 1 % floor: not drift.
      assertThat(ph.add(i < 50 ? 50.0 : 50.2)).isEmpty();
    }
    Optional<PageHinkley.Alarm> jump = ph.add(60);
    assertThat(jump).map(PageHinkley.Alarm::direction).contains(DriftDirection.UP);
  }

  @Test
  void aNonFiniteSampleIsRefused() {
    PageHinkley ph = new PageHinkley(DriftPolicy.DEFAULT);
    assertThatThrownBy(() -> ph.add(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
  }

  @Test
  void aThreeSigmaIncreaseIsDetectedQuicklyAsUp() {
    checkShift(3, DriftDirection.UP);
  }

  @Test
  void aThreeSigmaDecreaseIsDetectedQuicklyAsDown() {
    checkShift(-3, DriftDirection.DOWN);
  }

  private static void checkShift(double sigmas, DriftDirection expected) {
    List<Integer> delays = new ArrayList<>();
    int[] before = new int[1];
    for (long seed = 1; seed <= SEEDS; seed++) {
      Optional<Integer> d = delay(DriftPolicy.DEFAULT, seed, sigmas, expected, before);
      // A delay over 10 samples counts as a miss.
      d.filter(n -> n <= 10).ifPresent(delays::add);
    }
    Collections.sort(delays);
    // Measured: all 20 seeds within 2 to 6 samples, median 4 (up) and 5 (down); one false alarm
    // in the 10 000 samples before the changes.
    assertThat(before[0]).isLessThanOrEqualTo(4);
    assertThat(delays.size()).isGreaterThanOrEqualTo(19);
    assertThat(delays.get(delays.size() / 2)).isLessThanOrEqualTo(6);
  }
}
