package io.infertune.store;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Migration 3 on PostgreSQL, when {@code INFERTUNE_TEST_POSTGRES_URL} names a test database (see
 * {@link PostgresTrialStoreTest}); skipped otherwise. Drops and recreates the {@code public}
 * schema.
 */
@EnabledIfEnvironmentVariable(named = PostgresTrialStoreTest.URL, matches = "jdbc:postgresql:.+")
class PostgresPrunedStatusMigrationTest extends PrunedStatusMigrationContract {
  private static String env(String name) {
    return Objects.requireNonNullElse(System.getenv(name), "");
  }

  @Override
  protected DataSource emptyDatabase() throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(env(PostgresTrialStoreTest.URL));
    ds.setUser(env("INFERTUNE_TEST_POSTGRES_USER"));
    ds.setPassword(env("INFERTUNE_TEST_POSTGRES_PASSWORD"));
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    return ds;
  }
}
