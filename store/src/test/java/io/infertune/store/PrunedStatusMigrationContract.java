package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.store.json.WireFormat;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration 3 on a database that lived at version 2: old trials stay, {@code pruned} becomes a
 * status, and the check still refuses words that are not statuses. Each database a subclass.
 */
abstract class PrunedStatusMigrationContract {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** An empty database (schema) for this test only. */
  protected abstract DataSource emptyDatabase() throws Exception;

  private static void insertTrial(Connection c, int number, String status) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO trials (id, campaign_id, number, status, baseline, started_at,"
                + " configuration_json) VALUES (?, 'c', ?, ?, FALSE, ?, '{}')")) {
      ps.setString(1, "c-" + number);
      ps.setInt(2, number);
      ps.setString(3, status);
      ps.setTimestamp(4, Timestamp.from(T0));
      ps.executeUpdate();
    }
  }

  @Test
  void aVersion2DatabaseKeepsItsTrialsAndAdmitsPrunedOnesAfterMigration() throws Exception {
    DataSource ds = emptyDatabase();
    Flyway.configure(getClass().getClassLoader())
        .dataSource(ds)
        .locations("classpath:db/migration")
        .target("2")
        .load()
        .migrate();
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO campaigns (id, name, runtime_id, status, started_by, created_at,"
                  + " spec_json) VALUES ('c', 'old', 'embedded', 'running', 'operator', ?, ?)")) {
        ps.setTimestamp(1, Timestamp.from(T0));
        ps.setString(2, WireFormat.writeCampaignSpec(TrialStoreContract.spec()).toString());
        ps.executeUpdate();
      }
      insertTrial(c, 0, "running");
      assertThatThrownBy(() -> insertTrial(c, 1, "pruned")).isInstanceOf(SQLException.class);
    }

    try (JdbcTrialStore store = new JdbcTrialStore(ds)) {
      assertThat(store.trials("c"))
          .singleElement()
          .extracting(Trial::status)
          .isEqualTo(TrialStatus.RUNNING);
      try (Connection c = ds.getConnection()) {
        insertTrial(c, 1, "pruned");
        assertThatThrownBy(() -> insertTrial(c, 2, "bogus")).isInstanceOf(SQLException.class);
        assertThat(Rows.of(c, Rows.MIGRATIONS))
            .anySatisfy(r -> assertThat(r).startsWith("3|PrunedTrialStatus|").contains("|true"));
      }
    }
  }
}
