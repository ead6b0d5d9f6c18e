package io.infertune.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HostCpuTest {
  @Test
  void othersShareIsTheBusyTimeNotOursOverAllCpus() {
    // 2 s on 2 CPUs; 300 ticks (3 s) busy, 1 s of it ours: others took 2 of 4 CPU-seconds.
    var a = new HostCpu.Reading(0, 1_000, 2, Duration.ofSeconds(5));
    var b = new HostCpu.Reading(2_000_000_000L, 1_300, 2, Duration.ofSeconds(6));
    assertThat(HostCpu.othersShare(a, b)).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void othersShareStaysWithinZeroAndOneWhenTicksAndOurClockDisagree() {
    var a = new HostCpu.Reading(0, 0, 2, Duration.ZERO);
    assertThat(
            HostCpu.othersShare(
                a, new HostCpu.Reading(1_000_000_000L, 10, 2, Duration.ofSeconds(1))))
        .isZero();
    assertThat(HostCpu.othersShare(a, new HostCpu.Reading(1_000_000_000L, 500, 2, Duration.ZERO)))
        .isEqualTo(1.0);
  }

  @Test
  void readsThisMachine() {
    var r = HostCpu.read();
    assertThat(r.cpus()).isPositive();
    assertThat(r.busyTicks()).isPositive();
  }
}
