package io.infertune.store;

import static io.infertune.store.Jdbc.instant;
import static io.infertune.store.Jdbc.timestamp;
import static io.infertune.store.Jdbc.unreadable;

import io.infertune.tuner.access.AuditEntry;
import io.infertune.tuner.access.AuditLog;
import io.infertune.tuner.access.AuditRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * An {@link AuditLog} over JDBC: H2 or PostgreSQL, in the same database and schema as {@link
 * JdbcTrialStore} (table {@code audit_log}, see {@code db/migration}); ids come from the table's
 * identity column. The service opens it with the other stores ({@link TrialStores#openAllH2}).
 *
 * @apiNote beyond {@link AuditLog}'s contract: instants are kept to the microsecond; any other
 *     failure of the database is a {@link StoreException}; every method is one statement.
 * @implNote thread-safe: each call borrows a connection from the data source.
 */
public final class JdbcAuditLog implements AuditLog {
  private static final String COLUMNS = "at, actor, method, path, status, remote_address";

  private final Jdbc db;

  /**
   * A log over {@code dataSource}, whose schema is first migrated to this version's. The caller
   * keeps ownership of the data source: {@link #close()} does not close it.
   *
   * @throws StoreException when the database cannot be reached or migrated
   */
  public JdbcAuditLog(DataSource dataSource) {
    this(dataSource, () -> {}, true);
  }

  /** With {@code migrate} false the caller has migrated {@code dataSource} ({@link Stores}). */
  JdbcAuditLog(DataSource dataSource, AutoCloseable onClose, boolean migrate) {
    this.db = new Jdbc("audit log", dataSource, onClose);
    if (migrate) {
      Jdbc.migrate(dataSource);
    }
  }

  @Override
  public AuditRecord append(AuditEntry entry) {
    Objects.requireNonNull(entry, "entry");
    return db.withConnection(
        "append to the audit log",
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "INSERT INTO audit_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                  new String[] {"id"})) {
            ps.setObject(1, timestamp(entry.at()));
            ps.setString(2, entry.actor());
            ps.setString(3, entry.method());
            ps.setString(4, entry.path());
            ps.setInt(5, entry.status());
            ps.setString(6, entry.remoteAddress());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              if (!keys.next()) {
                throw new SQLException("the database gave the audit entry no id");
              }
              return new AuditRecord(
                  keys.getLong(1),
                  new AuditEntry(
                      Jdbc.micros(entry.at()),
                      entry.actor(),
                      entry.method(),
                      entry.path(),
                      entry.status(),
                      entry.remoteAddress()));
            }
          }
        });
  }

  @Override
  public List<AuditRecord> page(int limit, OptionalLong before) {
    Objects.requireNonNull(before, "before");
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be in [1, " + MAX_PAGE + "], got " + limit);
    }
    return db.withConnection(
        "read the audit log",
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT id, "
                      + COLUMNS
                      + " FROM audit_log WHERE id < ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY")) {
            ps.setLong(1, before.orElse(Long.MAX_VALUE));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<AuditRecord> out = new ArrayList<>();
              while (rs.next()) {
                out.add(recordAt(rs));
              }
              return out;
            }
          }
        });
  }

  private static AuditRecord recordAt(ResultSet rs) throws SQLException {
    long id = rs.getLong("id");
    try {
      return new AuditRecord(
          id,
          new AuditEntry(
              instant(rs, "at").orElseThrow(),
              rs.getString("actor"),
              rs.getString("method"),
              rs.getString("path"),
              rs.getInt("status"),
              rs.getString("remote_address")));
    } catch (IllegalArgumentException | NoSuchElementException e) {
      throw unreadable("audit entry " + id, e);
    }
  }

  /** Closes the log (and the pool it owns, if any); later calls throw. Idempotent. */
  @Override
  public void close() {
    db.close();
  }
}
