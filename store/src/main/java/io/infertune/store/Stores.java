package io.infertune.store;

import java.util.Objects;

/**
 * The trial, study and schedule stores of one database, sharing one connection pool: what the
 * service opens at start-up ({@link TrialStores#openAllH2}), so that the schema is migrated once
 * and one pool, not three, holds the database's connections.
 *
 * @param pool closed after the stores, by {@link #close}
 */
public record Stores(
    JdbcTrialStore trials, JdbcStudyStore studies, JdbcScheduleStore schedules, AutoCloseable pool)
    implements AutoCloseable {
  public Stores {
    Objects.requireNonNull(trials, "trials");
    Objects.requireNonNull(studies, "studies");
    Objects.requireNonNull(schedules, "schedules");
    Objects.requireNonNull(pool, "pool");
  }

  /** Closes the stores, then their pool. */
  @Override
  public void close() {
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
