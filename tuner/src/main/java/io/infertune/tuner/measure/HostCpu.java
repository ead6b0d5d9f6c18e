package io.infertune.tuner.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The CPU that other processes take on the machine that measures: on a shared machine the same
 * configuration measures up to a third apart between windows (ARCHITECTURE.md), so every window
 * records the share of all CPUs that processes other than Infertune and its children (a runtime it
 * launched) used meanwhile, and a window above {@link WindowReport#NOISY_SHARE} is flagged.
 *
 * <p>{@link #linux()} reads {@code /proc/stat} (busy time of all CPUs, steal included: on a virtual
 * machine, time the hypervisor gave to other guests), counted in clock ticks of {@value
 * #TICKS_PER_SECOND} per second ({@code USER_HZ}, fixed at 100 on Linux), and this process's and
 * its live descendants' CPU time. A runtime on another machine is not covered: its own noise shows
 * in its metrics' spread only.
 *
 * @implNote implementations are thread-safe.
 */
@FunctionalInterface
public interface HostCpu {
  int TICKS_PER_SECOND = 100;

  /** No reading: windows record no share (tests on a manual clock, other systems). */
  HostCpu NONE = Optional::empty;

  /**
   * One reading.
   *
   * @param wallNanos {@link System#nanoTime()} when read
   * @param busySeconds CPU time all CPUs have spent busy since boot
   * @param cpus the machine's CPUs
   * @param ownSeconds CPU time of this process and its live descendants
   * @param serviceSeconds CPU time of this process's threads that serve others than the measurement
   *     (the service's API), part of {@code ownSeconds}; 0 where they are not told apart
   */
  record Reading(
      long wallNanos, double busySeconds, int cpus, double ownSeconds, double serviceSeconds) {
    /** A reading that does not tell the service's threads apart. */
    public Reading(long wallNanos, double busySeconds, int cpus, double ownSeconds) {
      this(wallNanos, busySeconds, cpus, ownSeconds, 0);
    }
  }

  /** A reading now; empty when the machine cannot be read. */
  Optional<Reading> read();

  /**
   * The share of all CPUs (0 to 1) that other processes used between {@code a} and {@code b}; empty
   * when no wall time passed.
   */
  static Optional<Double> othersShare(Reading a, Reading b) {
    double wall = (b.wallNanos() - a.wallNanos()) / 1e9;
    if (!(wall > 0)) {
      return Optional.empty();
    }
    double busy = b.busySeconds() - a.busySeconds();
    double own = b.ownSeconds() - a.ownSeconds();
    return Optional.of(Math.max(0, Math.min(1, (busy - own) / (wall * b.cpus()))));
  }

  /**
   * The share of all CPUs (0 to 1) that this process's service threads used between {@code a} and
   * {@code b}; empty when no wall time passed. A thread that ended in between takes its time with
   * it, so the share is a lower bound.
   */
  static Optional<Double> serviceShare(Reading a, Reading b) {
    double wall = (b.wallNanos() - a.wallNanos()) / 1e9;
    if (!(wall > 0)) {
      return Optional.empty();
    }
    double service = b.serviceSeconds() - a.serviceSeconds();
    return Optional.of(Math.max(0, Math.min(1, service / (wall * b.cpus()))));
  }

  /** {@code /proc/stat} where it can be read, else {@link #NONE}; no service threads. */
  static HostCpu linux() {
    return linux(name -> false);
  }

  /**
   * {@code /proc/stat} where it can be read, else {@link #NONE}.
   *
   * @param serviceThread whether a Java thread of this process, by its name, serves others than the
   *     measurement: its CPU time ({@link ThreadMXBean#getThreadCpuTime}) is then counted apart
   *     ({@link #serviceShare}) instead of as the measurement's
   */
  static HostCpu linux(Predicate<String> serviceThread) {
    Path stat = Path.of("/proc/stat");
    if (!Files.isReadable(stat)) {
      return NONE;
    }
    return () -> {
      try {
        List<String> lines = Files.readAllLines(stat);
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is
        // already inside user, so it is not added again.
        String[] f = lines.get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        int cpus = (int) lines.stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        ProcessHandle self = ProcessHandle.current();
        Duration own = self.info().totalCpuDuration().orElse(Duration.ZERO);
        for (ProcessHandle child : self.descendants().toList()) {
          own = own.plus(child.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        double serviceSeconds = javaThreadSeconds(serviceThread);
        return Optional.of(
            new Reading(
                System.nanoTime(),
                (double) (total - idle) / TICKS_PER_SECOND,
                Math.max(1, cpus),
                own.toNanos() / 1e9,
                serviceSeconds));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    };
  }

  /**
   * The CPU time, in seconds, of this JVM's live threads whose Java name {@code serviceThread}
   * accepts; 0 when the JVM cannot measure thread CPU time.
   *
   * <p>Java threads by their Java names, not the kernel's: a native thread takes its kernel name
   * from the thread that started it, so the pool threads of a model session created on an API
   * worker (a configuration pushed over REST) would be named like the API's threads.
   */
  private static double javaThreadSeconds(Predicate<String> serviceThread) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
      return 0;
    }
    long nanos = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
      if (info != null && serviceThread.test(info.getThreadName())) {
        // -1 when the thread ended since it was listed: its time leaves with it.
        nanos += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return nanos / 1e9;
  }
}
