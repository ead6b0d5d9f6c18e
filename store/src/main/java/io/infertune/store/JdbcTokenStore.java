package io.infertune.store;

import static io.infertune.store.Jdbc.UNIQUE_VIOLATION;
import static io.infertune.store.Jdbc.instant;
import static io.infertune.store.Jdbc.timestamp;
import static io.infertune.store.Jdbc.unreadable;

import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.Role;
import io.infertune.tuner.access.TokenStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link TokenStore} over JDBC: H2 or PostgreSQL, in the same database and schema as {@link
 * JdbcTrialStore} (table {@code api_tokens}, see {@code db/migration}). The service opens it with
 * the other stores ({@link TrialStores#openAllH2}).
 *
 * @apiNote beyond {@link TokenStore}'s contract: instants are kept to the microsecond; any other
 *     failure of the database is a {@link StoreException}; every method is one statement.
 * @implNote thread-safe: each call borrows a connection from the data source.
 */
public final class JdbcTokenStore implements TokenStore {
  private static final String COLUMNS = "name, role, token_hash, created_at";

  private final Jdbc db;

  /**
   * A store over {@code dataSource}, whose schema is first migrated to this version's. The caller
   * keeps ownership of the data source: {@link #close()} does not close it.
   *
   * @throws StoreException when the database cannot be reached or migrated
   */
  public JdbcTokenStore(DataSource dataSource) {
    this(dataSource, () -> {}, true);
  }

  /** With {@code migrate} false the caller has migrated {@code dataSource} ({@link Stores}). */
  JdbcTokenStore(DataSource dataSource, AutoCloseable onClose, boolean migrate) {
    this.db = new Jdbc("token store", dataSource, onClose);
    if (migrate) {
      Jdbc.migrate(dataSource);
    }
  }

  @Override
  public void create(ApiToken token) {
    Objects.requireNonNull(token, "token");
    db.withConnection(
        "create token " + token.name(),
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "INSERT INTO api_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?)")) {
            ps.setString(1, token.name());
            ps.setString(2, Jdbc.wire(token.role()));
            ps.setString(3, token.sha256());
            ps.setObject(4, timestamp(token.createdAt()));
            ps.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              // Which key clashed is not said: one of them is a secret's hash.
              throw new IllegalStateException(
                  "token " + token.name() + " exists (or its secret is another token's)", e);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public List<ApiToken> list() {
    return db.withConnection(
        "list tokens",
        con -> {
          try (PreparedStatement ps =
                  con.prepareStatement(
                      "SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, name");
              ResultSet rs = ps.executeQuery()) {
            List<ApiToken> out = new ArrayList<>();
            while (rs.next()) {
              out.add(tokenAt(rs));
            }
            return out;
          }
        });
  }

  @Override
  public Optional<ApiToken> get(String name) {
    Objects.requireNonNull(name, "name");
    return db.withConnection(
        "read token " + name,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(tokenAt(rs)) : Optional.empty();
            }
          }
        });
  }

  private static ApiToken tokenAt(ResultSet rs) throws SQLException {
    String name = rs.getString("name");
    try {
      return new ApiToken(
          name,
          Role.parse(rs.getString("role")),
          rs.getString("token_hash"),
          instant(rs, "created_at").orElseThrow());
    } catch (IllegalArgumentException | NoSuchElementException e) {
      throw unreadable("token " + name, e);
    }
  }

  @Override
  public boolean revoke(String name) {
    Objects.requireNonNull(name, "name");
    return db.withConnection(
        "revoke token " + name,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement("DELETE FROM api_tokens WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** Closes the store (and the pool it owns, if any); later calls throw. Idempotent. */
  @Override
  public void close() {
    db.close();
  }
}
