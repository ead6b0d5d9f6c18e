package io.infertune.tuner.access;

import java.util.List;
import java.util.OptionalLong;

/**
 * The record of every mutating API call: who, what, when, and how it was answered.
 *
 * @apiNote contract (checked by {@code AuditLogContract} in tuner's test-jar): entries are never
 *     changed or removed; each gets an id larger than every earlier one; pages are newest first.
 * @implNote implementations are thread-safe.
 */
public interface AuditLog extends AutoCloseable {
  /** Largest page {@link #page} returns. */
  int MAX_PAGE = 1000;

  /** Appends an entry; returns it with its id. */
  AuditRecord append(AuditEntry entry);

  /**
   * At most {@code limit} entries, newest first, whose ids are below {@code before} (all when
   * absent): the next page starts before the last id of this one.
   *
   * @throws IllegalArgumentException when {@code limit} is not in [1, {@value #MAX_PAGE}]
   */
  List<AuditRecord> page(int limit, OptionalLong before);

  @Override
  void close();
}
