package io.infertune.store;

import io.infertune.tuner.store.TrialStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contracts on PostgreSQL, when a test database is named by {@code INFERTUNE_TEST_POSTGRES_URL}
 * (with {@code INFERTUNE_TEST_POSTGRES_USER} and {@code INFERTUNE_TEST_POSTGRES_PASSWORD}); skipped
 * otherwise. Each test drops and recreates the {@code public} schema: point it at a database kept
 * for tests only.
 */
@EnabledIfEnvironmentVariable(named = PostgresTrialStoreTest.URL, matches = "jdbc:postgresql:.+")
class PostgresTrialStoreTest extends JdbcTrialStoreContract {
  static final String URL = "INFERTUNE_TEST_POSTGRES_URL";

  private static String env(String name) {
    return Objects.requireNonNullElse(System.getenv(name), "");
  }

  private static TrialStore open() {
    return TrialStores.open(
        env(URL), env("INFERTUNE_TEST_POSTGRES_USER"), env("INFERTUNE_TEST_POSTGRES_PASSWORD"));
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(
        env(URL), env("INFERTUNE_TEST_POSTGRES_USER"), env("INFERTUNE_TEST_POSTGRES_PASSWORD"));
  }

  @Override
  protected TrialStore createStore() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    return open();
  }

  @Override
  protected void reopenStore() {
    store.close();
    store = open();
  }
}
