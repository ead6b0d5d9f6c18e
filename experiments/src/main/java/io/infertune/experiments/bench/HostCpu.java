package io.infertune.experiments.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The CPU that other processes take from this one on a shared machine: {@code /proc/stat}'s busy
 * time of every CPU (steal included: on a virtual machine, time the hypervisor gave to other
 * guests) minus this process's own CPU time, over a span of wall time.
 *
 * <p>Linux only. {@code /proc/stat} counts in clock ticks of {@value #TICKS_PER_SECOND} per second
 * ({@code USER_HZ}, fixed at 100 on Linux whatever the kernel's internal tick rate).
 *
 * @implNote stateless; thread-safe.
 */
final class HostCpu {
  static final int TICKS_PER_SECOND = 100;
  private static final Path STAT = Path.of("/proc/stat");

  /** One reading. */
  record Reading(long wallNanos, long busyTicks, int cpus, Duration ownCpu) {}

  private HostCpu() {}

  static Reading read() {
    try {
      List<String> lines = Files.readAllLines(STAT);
      // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is
      // already inside user, so it is not added again.
      String[] f = lines.get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      int cpus = (int) lines.stream().filter(l -> l.matches("cpu\\d+ .*")).count();
      Duration own = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
      return new Reading(System.nanoTime(), total - idle, Math.max(1, cpus), own);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fraction of all CPUs (0..1) that other processes used between {@code a} and {@code b}. */
  static double othersShare(Reading a, Reading b) {
    double wall = (b.wallNanos() - a.wallNanos()) / 1e9;
    double busy = (double) (b.busyTicks() - a.busyTicks()) / TICKS_PER_SECOND;
    double own = (b.ownCpu().toNanos() - a.ownCpu().toNanos()) / 1e9;
    return Math.max(0, Math.min(1, (busy - own) / (wall * b.cpus())));
  }
}
