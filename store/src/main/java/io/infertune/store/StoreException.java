package io.infertune.store;

import java.sql.SQLException;
import java.util.Optional;

/**
 * The database failed (unreachable, full, a broken schema) or holds a record this version cannot
 * read. Unchecked, since a caller of {@link io.infertune.tuner.store.TrialStore} can do nothing
 * about it but report it; conflicts that a caller can act on are {@link IllegalStateException}s.
 */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The SQLSTATE of the database's error, when there was one. */
  public Optional<String> sqlState() {
    return getCause() instanceof SQLException e
        ? Optional.ofNullable(e.getSQLState())
        : Optional.empty();
  }
}
