package io.infertune.tuner.measure;

/**
 * Where a runtime's metrics come from: in-process counters, a Prometheus scrape, a program's
 * output.
 *
 * @implNote implementations must be safe to call from any thread.
 */
@FunctionalInterface
public interface MetricSource {
  /**
   * The current values, named as in {@link Metrics}' {@code SOURCE_*} constants.
   *
   * @throws MetricSourceException when the metrics cannot be read (a failed scrape)
   */
  MetricSnapshot sample() throws MetricSourceException;
}
