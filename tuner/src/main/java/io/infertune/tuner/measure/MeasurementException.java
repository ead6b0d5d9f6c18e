package io.infertune.tuner.measure;

/** A window produced no usable measurement; the trial fails with this message. */
public class MeasurementException extends Exception {
  public MeasurementException(String message) {
    super(message);
  }

  public MeasurementException(String message, Throwable cause) {
    super(message, cause);
  }
}
