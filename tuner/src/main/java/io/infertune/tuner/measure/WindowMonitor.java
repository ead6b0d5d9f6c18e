package io.infertune.tuner.measure;

import java.time.Duration;
import java.util.Optional;

/**
 * Lets the caller of {@link Measurer#measure(io.infertune.tuner.runtime.RuntimeAdapter,
 * io.infertune.tuner.runtime.Workload, MeasurementSpec, String, WindowMonitor)} end a window early:
 * consulted after every sampling interval once the minimum window has passed, until the window ends
 * by itself. The campaign runner prunes clearly losing trials this way. A monitor that says {@link
 * #everyInterval()} is consulted after every interval from the first one, warm-up included: a live
 * campaign's SLO guard must not wait for a minimum window while production traffic suffers.
 *
 * @implNote called on the measuring thread; must return quickly and must not throw.
 */
@FunctionalInterface
public interface WindowMonitor {
  /** Never stops a window. */
  WindowMonitor NONE = progress -> Optional.empty();

  /**
   * Whether to stop now.
   *
   * @return why the window should stop (the measurement then ends {@link WindowReport.End#STOPPED}
   *     with what was measured so far), or empty to go on
   */
  Optional<String> check(WindowProgress progress);

  /**
   * Whether to consult this monitor after every interval, warm-up included, rather than only once
   * the minimum window has passed.
   */
  default boolean everyInterval() {
    return false;
  }

  /**
   * The first stop reason of {@code first} and {@code second}; consulted every interval when either
   * is, but each of them only when it asked to be.
   */
  static WindowMonitor firstOf(WindowMonitor first, WindowMonitor second, Duration minWindow) {
    return new WindowMonitor() {
      @Override
      public Optional<String> check(WindowProgress progress) {
        Optional<String> a = consult(first, progress);
        return a.isPresent() ? a : consult(second, progress);
      }

      private Optional<String> consult(WindowMonitor m, WindowProgress progress) {
        boolean due =
            m.everyInterval()
                || (!progress.warmingUp() && progress.elapsed().compareTo(minWindow) >= 0);
        return due ? m.check(progress) : Optional.empty();
      }

      @Override
      public boolean everyInterval() {
        return first.everyInterval() || second.everyInterval();
      }
    };
  }
}
