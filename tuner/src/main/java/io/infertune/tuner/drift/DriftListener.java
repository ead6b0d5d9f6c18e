package io.infertune.tuner.drift;

/**
 * Told of each {@link DriftEvent} a {@link DriftMonitor} raises, e.g. to log it or to start a
 * re-tuning campaign.
 *
 * @apiNote Called on the thread that feeds the monitor, while the monitor's lock is held: return
 *     quickly and hand long work (a campaign) to an executor. An exception is logged and does not
 *     stop the monitor.
 */
@FunctionalInterface
public interface DriftListener {
  void onDrift(DriftEvent event);

  /** A listener that ignores every event. */
  static DriftListener none() {
    return event -> {};
  }
}
