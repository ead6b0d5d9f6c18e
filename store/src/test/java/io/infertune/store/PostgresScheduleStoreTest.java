package io.infertune.store;

import io.infertune.tuner.schedule.ScheduleStore;
import io.infertune.tuner.store.TrialStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The schedule store contracts on PostgreSQL, when a test database is named by {@code
 * INFERTUNE_TEST_POSTGRES_URL} (see {@link PostgresTrialStoreTest}); skipped otherwise. Each test
 * drops and recreates the {@code public} schema: point it at a database kept for tests only.
 */
@EnabledIfEnvironmentVariable(named = PostgresTrialStoreTest.URL, matches = "jdbc:postgresql:.+")
class PostgresScheduleStoreTest extends JdbcScheduleStoreContract {
  private static String env(String name) {
    return Objects.requireNonNullElse(System.getenv(name), "");
  }

  private static String user() {
    return env("INFERTUNE_TEST_POSTGRES_USER");
  }

  private static String password() {
    return env("INFERTUNE_TEST_POSTGRES_PASSWORD");
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(env(PostgresTrialStoreTest.URL), user(), password());
  }

  @Override
  protected ScheduleStore createStore() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    return TrialStores.openSchedules(env(PostgresTrialStoreTest.URL), user(), password());
  }

  @Override
  protected void reopenStore() {
    store.close();
    store = TrialStores.openSchedules(env(PostgresTrialStoreTest.URL), user(), password());
  }

  @Override
  protected TrialStore openTrialStore() {
    return TrialStores.open(env(PostgresTrialStoreTest.URL), user(), password());
  }
}
