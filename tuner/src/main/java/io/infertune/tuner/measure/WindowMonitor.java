package io.infertune.tuner.measure;

import java.util.Optional;

/**
 * Lets the caller of {@link Measurer#measure(io.infertune.tuner.runtime.RuntimeAdapter,
 * io.infertune.tuner.runtime.Workload, MeasurementSpec, String, WindowMonitor)} end a window early:
 * consulted after every sampling interval once the minimum window has passed, until the window ends
 * by itself. The campaign runner prunes clearly losing trials this way.
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
}
