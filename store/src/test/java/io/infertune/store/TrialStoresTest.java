package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory: H2 by file or URL, PostgreSQL by URL, and nothing else. */
class TrialStoresTest {
  @TempDir Path dir;

  @Test
  void openH2CreatesTheDataDirectory() {
    Path data = dir.resolve("a/b");
    try (JdbcTrialStore store = TrialStores.openH2(data)) {
      assertThat(store.campaigns()).isEmpty();
    }
    assertThat(Files.exists(data.resolve(TrialStores.H2_FILE_NAME + ".mv.db"))).isTrue();
  }

  @Test
  void aSecondProcessCannotOpenAnOpenFileDatabaseButThisOneShares() {
    try (JdbcTrialStore first = TrialStores.openH2(dir);
        JdbcTrialStore second = TrialStores.openH2(dir)) {
      // Same JVM: H2 shares the embedded database, so both see one history.
      first.createCampaign(
          Campaign.created("c", TrialStoreContract.spec(), "operator", Instant.EPOCH));
      assertThat(second.campaign("c")).isPresent();
    }
  }

  @Test
  void opensAnyH2Url() {
    try (JdbcTrialStore store =
        TrialStores.open("jdbc:h2:mem:trial-stores-test;DB_CLOSE_DELAY=-1", "sa", "")) {
      store.createCampaign(
          Campaign.created("c", TrialStoreContract.spec(), "operator", Instant.EPOCH));
      assertThat(store.campaigns()).hasSize(1);
    }
  }

  @Test
  void anUnreachablePostgresIsAStoreException() {
    assertThatThrownBy(
            () ->
                TrialStores.open(
                    "jdbc:postgresql://127.0.0.1:1/infertune?connectTimeout=2", "u", "secret"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot migrate")
        .hasMessageNotContaining("secret");
  }

  @Test
  void otherDatabasesAreRefused() {
    assertThatThrownBy(() -> TrialStores.open("jdbc:mysql://db/x?password=secret", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
  }
}
