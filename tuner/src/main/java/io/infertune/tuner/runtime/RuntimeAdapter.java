package io.infertune.tuner.runtime;

import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;

/**
 * The actuator: an inference runtime whose configuration Infertune can read and change.
 *
 * @implNote implementations are thread-safe: {@link #apply} may run while requests are in flight
 *     and metrics are being sampled.
 */
public interface RuntimeAdapter extends AutoCloseable {
  /** A stable identifier, used in URLs and records. */
  String id();

  /** The kind of runtime, e.g. {@code embedded}, {@code vllm}. */
  String kind();

  /** The knobs this runtime can change, with their valid ranges. */
  SearchSpace knobs();

  /** The configuration the runtime ships with (a value for every knob). */
  Configuration defaults();

  /** The configuration in force now (a value for every knob). */
  Configuration current();

  /**
   * Puts {@code configuration} (a value for some or all knobs; the others keep their current
   * values) into force and returns once the runtime is ready to serve with it.
   *
   * @throws ApplyFailedException with the reason when the runtime cannot take it (out of memory,
   *     crash, timeout, rejected value); the runtime is then left serving with a working
   *     configuration
   */
  void apply(Configuration configuration) throws ApplyFailedException;

  /**
   * Puts the runtime back into service on {@code lastKnownGood} after it failed during a trial (its
   * process died, or it stopped answering): unlike {@link #apply}, a runtime that seems to run that
   * configuration already is restarted too, since it may be hung. By default {@link #apply};
   * runtimes in processes of their own restart the process.
   *
   * @throws ApplyFailedException when the runtime cannot be brought back on it
   */
  default void recover(Configuration lastKnownGood) throws ApplyFailedException {
    apply(lastKnownGood);
  }

  /** The runtime's metrics. */
  MetricSource metrics();

  /** Where a load generator sends requests. */
  RequestSink requests();

  /** Whether {@link #apply} works without restarting the runtime. */
  boolean liveReconfigurable();

  /** Releases the runtime's resources; the adapter is unusable afterwards. */
  @Override
  void close();
}
