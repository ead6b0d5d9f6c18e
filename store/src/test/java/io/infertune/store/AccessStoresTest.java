package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.access.AuditRecord;
import io.infertune.tuner.access.Role;
import io.infertune.tuner.testkit.AuditLogContract;
import io.infertune.tuner.testkit.TokenStoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's token store and audit log in its H2 file: opened with the other stores, kept across
 * reopening, and guarded by the schema itself.
 */
class AccessStoresTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  @TempDir Path dataDir;

  @Test
  void tokensAndAuditEntriesSurviveReopening() throws Exception {
    AuditRecord written;
    try (Stores stores = TrialStores.openAllH2(dataDir)) {
      stores.tokens().create(TokenStoreContract.token("ci", Role.OPERATOR, 'e', T0));
      written = stores.audit().append(AuditLogContract.entry(4));
    }
    try (Stores stores = TrialStores.openAllH2(dataDir)) {
      assertThat(stores.tokens().list())
          .containsExactly(TokenStoreContract.token("ci", Role.OPERATOR, 'e', T0));
      assertThat(stores.audit().page(10, OptionalLong.empty())).containsExactly(written);
    }
    try (Connection c = connect()) {
      assertThat(Rows.of(c, Rows.MIGRATIONS))
          .contains("5|api tokens and audit|true")
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void theSchemaRefusesUnknownRolesAndRepeatedHashes() throws Exception {
    try (Stores stores = TrialStores.openAllH2(dataDir)) {
      stores.tokens().create(TokenStoreContract.token("ci", Role.VIEWER, 'e', T0));
      try (Connection c = connect();
          Statement st = c.createStatement()) {
        String ts = "TIMESTAMP WITH TIME ZONE '2026-03-01 10:00:00+00'";
        String hash = "f".repeat(64);
        assertThatThrownBy(
                () ->
                    st.executeUpdate(
                        "INSERT INTO api_tokens VALUES ('x', 'admin', '" + hash + "', " + ts + ")"))
            .isInstanceOf(SQLException.class);
        assertThatThrownBy(
                () ->
                    st.executeUpdate(
                        "INSERT INTO api_tokens VALUES ('y', 'viewer', '"
                            + "e".repeat(64)
                            + "', "
                            + ts
                            + ")"))
            .isInstanceOf(SQLException.class);
      }
      assertThat(stores.tokens().list()).hasSize(1);
    }
  }

  /** The same URL as the stores', so the same embedded database. */
  private Connection connect() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().normalize().resolve(TrialStores.H2_FILE_NAME)
            + TrialStores.H2_FILE_SETTINGS,
        "sa",
        "");
  }
}
