package io.infertune.store.json;

import java.util.Objects;

/**
 * A JSON document that does not describe a valid value, with the path of the offending field.
 *
 * <p>{@link #field()} is a path in the document as a client wrote it: object keys joined by dots,
 * array positions in brackets, e.g. {@code constraints[1].min} or {@code parameters[0].values}; a
 * key that is not a plain identifier is quoted, e.g. {@code metrics["p 95"]}. The empty path names
 * the document itself. {@link #getMessage()} says what is wrong for people, ready to show as is.
 *
 * @implNote immutable and thread-safe.
 */
public final class FieldException extends IllegalArgumentException {
  private final String field;

  public FieldException(String field, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.field = Objects.requireNonNull(field, "field");
  }

  public FieldException(String field, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.field = Objects.requireNonNull(field, "field");
  }

  /** The path of the offending field; empty for the document itself. */
  public String field() {
    return field;
  }
}
