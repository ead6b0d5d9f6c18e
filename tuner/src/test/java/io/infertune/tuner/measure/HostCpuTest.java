package io.infertune.tuner.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.ShapedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class HostCpuTest {
  @Test
  void othersShareIsTheBusyTimeNotOursOverAllCpus() {
    HostCpu.Reading a = new HostCpu.Reading(0, 100.0, 2, 10.0);
    // 4 s of wall on 2 CPUs = 8 CPU-seconds; 5 busy, 2 of them ours: 3 / 8.
    HostCpu.Reading b = new HostCpu.Reading(4_000_000_000L, 105.0, 2, 12.0);
    assertThat(HostCpu.othersShare(a, b)).hasValueSatisfying(s -> assertThat(s).isEqualTo(0.375));
    // Clamped: counters read at slightly different moments can make it go past the ends.
    HostCpu.Reading ownMore = new HostCpu.Reading(4_000_000_000L, 101.0, 2, 13.0);
    assertThat(HostCpu.othersShare(a, ownMore)).contains(0.0);
    assertThat(HostCpu.othersShare(a, a)).isEmpty();
  }

  @Test
  void theServiceShareIsItsThreadsTimeOverAllCpusAndCountsTowardsNoise() {
    HostCpu.Reading a = new HostCpu.Reading(0, 100.0, 2, 10.0, 1.0);
    // 4 s on 2 CPUs; 2 CPU-seconds were ours, 1.2 of them the service's threads: 0.15 of it all.
    HostCpu.Reading b = new HostCpu.Reading(4_000_000_000L, 105.0, 2, 12.0, 2.2);
    assertThat(HostCpu.serviceShare(a, b).orElseThrow()).isCloseTo(0.15, within(1e-9));
    assertThat(HostCpu.othersShare(a, b)).contains(0.375);
    assertThat(HostCpu.serviceShare(a, a)).isEmpty();
    WindowReport quiet = report(Optional.of(0.15), Optional.of(0.05));
    WindowReport busyApi = report(Optional.of(0.15), Optional.of(0.15));
    assertThat(quiet.noisy()).isFalse();
    assertThat(busyApi.noisy()).as("0.15 + 0.15 > 0.25").isTrue();
    assertThat(report(Optional.empty(), Optional.of(0.3)).noisy()).isTrue();
  }

  private static WindowReport report(Optional<Double> others, Optional<Double> service) {
    return new WindowReport(
        "throughput_rps",
        Optional.empty(),
        Duration.ZERO,
        false,
        WindowReport.End.MAX_WINDOW,
        others,
        service);
  }

  @Test
  void linuxCountsTheNamedThreadsOfThisProcessApart() throws Exception {
    HostCpu host = HostCpu.linux(name -> name.startsWith("svc-spin"));
    Optional<HostCpu.Reading> before = host.read();
    if (before.isEmpty()) {
      return; // not Linux
    }
    // Half a second of CPU on a thread the predicate accepts, then as much on one it does not;
    // each thread lives on until read (an ended thread's time is no longer counted).
    CountDownLatch read = new CountDownLatch(1);
    spin("svc-spin-1", Duration.ofMillis(500), read);
    HostCpu.Reading afterService = host.read().orElseThrow();
    spin("other-spin", Duration.ofMillis(500), read);
    HostCpu.Reading afterOther = host.read().orElseThrow();
    read.countDown();
    double service = afterService.serviceSeconds() - before.get().serviceSeconds();
    // The same clock the thread spun on (ThreadMXBean), so close; the reading adds a little.
    assertThat(service).isBetween(0.45, 0.6);
    assertThat(afterOther.serviceSeconds() - afterService.serviceSeconds())
        .as("a thread the predicate does not name is not the service's")
        .isLessThan(0.05);
    assertThat(HostCpu.linux().read().orElseThrow().serviceSeconds()).isZero();
  }

  /**
   * Keeps a thread named {@code name} on the CPU for {@code cpu} of its own CPU time; returns once
   * it has, while the thread waits for {@code release} before it ends.
   */
  private static void spin(String name, Duration cpu, CountDownLatch release)
      throws InterruptedException {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    CountDownLatch spun = new CountDownLatch(1);
    Thread.ofPlatform()
        .daemon()
        .name(name)
        .start(
            () -> {
              long end = mx.getCurrentThreadCpuTime() + cpu.toNanos();
              while (mx.getCurrentThreadCpuTime() < end) {
                Thread.onSpinWait();
              }
              spun.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    spun.await();
  }

  @Test
  void linuxReadsThisMachine() {
    HostCpu host = HostCpu.linux();
    Optional<HostCpu.Reading> r = host.read();
    if (r.isEmpty()) {
      return; // not Linux: nothing to read, which is what NONE gives too
    }
    assertThat(r.get().cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(r.get().busySeconds()).isPositive();
    assertThat(r.get().ownSeconds()).isPositive();
    assertThat(host.read().orElseThrow().busySeconds())
        .isGreaterThanOrEqualTo(r.get().busySeconds());
  }

  @Test
  void eachWindowRecordsTheShareAndIsFlaggedNoisyAboveAQuarter() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).build();
    MeasurementSpec spec =
        new MeasurementSpec(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1));
    for (double share : List.of(0.1, 0.4)) {
      // Readings at the warm-up's start, the window's start and its end, 4 s apart on 2 CPUs.
      Deque<HostCpu.Reading> readings =
          new ArrayDeque<>(
              List.of(
                  new HostCpu.Reading(0, 0, 2, 0),
                  new HostCpu.Reading(1_000_000_000L, 0, 2, 0),
                  new HostCpu.Reading(5_000_000_000L, 8 * share, 2, 0)));
      Measurer m = new Measurer(ticker, 2, () -> Optional.of(readings.pop()));
      WindowReport r = m.measure(runtime, new TrickleWorkload(), spec).report().orElseThrow();
      assertThat(r.othersCpuShare().orElseThrow()).isCloseTo(share, within(1e-9));
      assertThat(r.noisy()).isEqualTo(share > WindowReport.NOISY_SHARE);
    }
    assertThat(
            new Measurer(ticker, 2)
                .measure(runtime, new TrickleWorkload(), spec)
                .report()
                .orElseThrow()
                .othersCpuShare())
        .isEmpty();
  }

  @Test
  void aShareOutsideZeroToOneIsRefused() {
    assertThatThrownBy(
            () ->
                new WindowReport(
                    "throughput_rps",
                    Optional.empty(),
                    Duration.ZERO,
                    false,
                    WindowReport.End.MAX_WINDOW,
                    Optional.of(1.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("othersCpuShare");
  }
}
