package io.infertune.runtime.prometheus;

/** A page that is not valid text exposition format; the message starts with the line number. */
public final class PrometheusParseException extends Exception {
  private final int line;

  PrometheusParseException(int line, String reason) {
    super("line " + line + ": " + reason);
    this.line = line;
  }

  /** The 1-based number of the offending line. */
  public int line() {
    return line;
  }
}
