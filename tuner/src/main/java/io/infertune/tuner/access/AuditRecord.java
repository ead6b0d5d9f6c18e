package io.infertune.tuner.access;

import java.util.Objects;

/**
 * An {@link AuditEntry} as stored, with the id the log gave it: ids grow with every entry, so that
 * a page of older entries starts below the smallest id of the page before.
 */
public record AuditRecord(long id, AuditEntry entry) {
  public AuditRecord {
    if (id <= 0) {
      throw new IllegalArgumentException("id must be positive, got " + id);
    }
    Objects.requireNonNull(entry, "entry");
  }
}
