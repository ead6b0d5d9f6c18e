package io.infertune.store;

import java.util.Objects;

/**
 * The trial, study, schedule and token stores and the audit log of one database, sharing one
 * connection pool: what the service opens at start-up ({@link TrialStores#openAllH2}), so that the
 * schema is migrated once and one pool holds the database's connections.
 *
 * @param pool closed after the stores, by {@link #close}
 */
public record Stores(
    JdbcTrialStore trials,
    JdbcStudyStore studies,
    JdbcScheduleStore schedules,
    JdbcTokenStore tokens,
    JdbcAuditLog audit,
    AutoCloseable pool)
    implements AutoCloseable {
  public Stores {
    Objects.requireNonNull(trials, "trials");
    Objects.requireNonNull(studies, "studies");
    Objects.requireNonNull(schedules, "schedules");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(pool, "pool");
  }

  /** Closes the stores, then their pool. */
  @Override
  public void close() {
    audit.close();
    tokens.close();
    schedules.close();
    studies.close();
    trials.close();
    try {
      pool.close();
    } catch (Exception e) {
      throw new StoreException("cannot close the stores' connection pool: " + e.getMessage(), e);
    }
  }
}
