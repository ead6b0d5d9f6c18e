package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.study.Study;
import io.infertune.tuner.testkit.StudyStoreContract;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory: trial and study stores, H2 by file or URL, PostgreSQL by URL, and nothing else; both
 * kinds on one database.
 */
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
  void trialAndStudyStoresOpenedAtOnceOnANewDatabaseMigrateItOnce() throws Exception {
    Path data = dir.resolve("fresh");
    int stores = 6;
    ExecutorService pool = Executors.newFixedThreadPool(stores);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<AutoCloseable>> opening = new ArrayList<>();
      for (int i = 0; i < stores; i++) {
        boolean studies = i % 2 == 0;
        Callable<AutoCloseable> open =
            () -> {
              start.await();
              return studies ? TrialStores.openStudiesH2(data) : TrialStores.openH2(data);
            };
        opening.add(pool.submit(open));
      }
      start.countDown();
      for (Future<AutoCloseable> f : opening) {
        opened.add(f.get(60, TimeUnit.SECONDS));
      }
      JdbcStudyStore studies = (JdbcStudyStore) opened.get(0);
      JdbcTrialStore trials = (JdbcTrialStore) opened.get(1);
      studies.createStudy(new Study("s", StudyStoreContract.simpleSpec(), Instant.EPOCH));
      trials.createCampaign(
          Campaign.created("c", TrialStoreContract.spec(), "operator", Instant.EPOCH));
      assertThat(((JdbcStudyStore) opened.get(2)).study("s")).isPresent();
      assertThat(((JdbcTrialStore) opened.get(3)).campaign("c")).isPresent();
      try (Connection c =
          DriverManager.getConnection(
              "jdbc:h2:file:"
                  + data.toAbsolutePath().normalize().resolve(TrialStores.H2_FILE_NAME)
                  + TrialStores.H2_FILE_SETTINGS,
              "sa",
              "")) {
        // Each version once, whatever versions later work adds.
        assertThat(Rows.of(c, Rows.MIGRATIONS))
            .startsWith("1|initial schema|true", "2|studies|true")
            .contains("4|schedules|true")
            .doesNotHaveDuplicates();
      }
    } finally {
      pool.shutdown();
      for (AutoCloseable store : opened) {
        store.close();
      }
    }
  }

  @Test
  void theServicesThreeStoresShareOnePoolAndOneMigrationAndCloseTogether() {
    Stores stores = TrialStores.openAllH2(dir.resolve("all"));
    try (stores) {
      stores.studies().createStudy(new Study("s", StudyStoreContract.simpleSpec(), Instant.EPOCH));
      stores
          .trials()
          .createCampaign(
              Campaign.created("c", TrialStoreContract.spec(), "operator", Instant.EPOCH));
      assertThat(stores.studies().study("s")).isPresent();
      assertThat(stores.trials().campaign("c")).isPresent();
      assertThat(stores.schedules().list()).isEmpty();
    }

    // Closed together: the pool is gone, so a new opening sees the data in the file.
    assertThatThrownBy(() -> stores.trials().campaigns()).isInstanceOf(IllegalStateException.class);
    try (Stores again = TrialStores.openAllH2(dir.resolve("all"))) {
      assertThat(again.trials().campaign("c")).isPresent();
    }
  }

  @Test
  void opensStudiesOnAnyH2Url() {
    String url = "jdbc:h2:mem:study-stores-test;DB_CLOSE_DELAY=-1";
    try (JdbcStudyStore studies = TrialStores.openStudies(url, "sa", "");
        JdbcTrialStore trials = TrialStores.open(url, "sa", "")) {
      studies.createStudy(new Study("s", StudyStoreContract.simpleSpec(), Instant.EPOCH));
      assertThat(studies.studies()).hasSize(1);
      assertThat(trials.campaigns()).isEmpty();
    }
  }

  @Test
  void aStudyStoreOverACallersDataSourceLeavesItOpen() throws Exception {
    JdbcConnectionPool source =
        JdbcConnectionPool.create("jdbc:h2:mem:caller-owned;DB_CLOSE_DELAY=-1", "sa", "");
    try {
      try (JdbcStudyStore studies = new JdbcStudyStore(source);
          JdbcTrialStore trials = new JdbcTrialStore(source)) {
        studies.createStudy(new Study("s", StudyStoreContract.simpleSpec(), Instant.EPOCH));
        assertThat(trials.campaigns()).isEmpty();
      }
      try (Connection c = source.getConnection()) {
        assertThat(Rows.of(c, "SELECT id FROM studies")).containsExactly("s");
      }
    } finally {
      source.dispose();
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
    assertThatThrownBy(() -> TrialStores.openStudies("jdbc:mysql://db/x?password=secret", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
  }
}
