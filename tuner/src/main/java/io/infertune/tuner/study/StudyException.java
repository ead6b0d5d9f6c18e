package io.infertune.tuner.study;

/**
 * A study request that is wrong for the study, names what does not exist, or asks what cannot be
 * done twice.
 */
public class StudyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of refusal, so that the edge can answer 404 or 409. */
  public enum Kind {
    /** Input that is well-formed but wrong for this study, e.g. a missing objective value. */
    INVALID,
    NOT_FOUND,
    CONFLICT
  }

  private final Kind kind;
  private final String field;

  public StudyException(Kind kind, String field, String message) {
    super(message);
    this.kind = kind;
    this.field = field;
  }

  public Kind kind() {
    return kind;
  }

  /** The request field at fault (for INVALID), e.g. {@code values.latency_ms}; else empty. */
  public String field() {
    return field;
  }

  static StudyException invalid(String field, String message) {
    return new StudyException(Kind.INVALID, field, message);
  }

  static StudyException notFound(String message) {
    return new StudyException(Kind.NOT_FOUND, "", message);
  }

  static StudyException conflict(String message) {
    return new StudyException(Kind.CONFLICT, "", message);
  }
}
