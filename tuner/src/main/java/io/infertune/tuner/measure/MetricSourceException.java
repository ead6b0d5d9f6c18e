package io.infertune.tuner.measure;

/** A metric source could not be read; the trial records it rather than crashing. */
public class MetricSourceException extends Exception {
  public MetricSourceException(String message) {
    super(message);
  }

  public MetricSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
