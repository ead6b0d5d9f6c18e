package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups taken while trials are being saved are consistent (every trial in them is whole: each
 * saved trial is its row and its metric rows in one transaction, and the backup one snapshot), and
 * restore into a fresh directory, never over a database.
 */
class H2BackupTest {
  @TempDir Path source;
  @TempDir Path scratch;

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void aBackupTakenWhileTrialsAreSavedRestoresWholeTrialsOnly() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger saved = new AtomicInteger();
    String backup;
    try (JdbcTrialStore store = TrialStores.openH2(source)) {
      store.createCampaign(Campaign.created("c", TrialStoreContract.spec(), "test", T0));
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int n = 0; writing.get(); n++) {
                      Trial running =
                          Trial.running(
                              "c", n, Configuration.of("batch_size", n % 64 + 1), false, T0);
                      store.saveTrial(running);
                      store.saveTrial(
                          running.measured(
                              TrialWriterChild.measurement(n),
                              n,
                              Optional.empty(),
                              T0.plusSeconds(1)));
                      saved.incrementAndGet();
                    }
                  });
      // Backups while the writer runs: after it has saved some, and again later.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (saved.get() < 20 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      StringWriter out = new StringWriter();
      H2Backup.write(store, out);
      backup = out.toString();
      writing.set(false);
      writer.join();
    }
    assertThat(backup).startsWith(H2Backup.HEADER).endsWith(H2Backup.TRAILER + "\n");
    Path file = scratch.resolve("b.sql");
    Files.writeString(file, backup);

    Path restored = scratch.resolve("restored");
    assertThat(H2Backup.restore(file, restored)).isEqualTo(1);
    try (JdbcTrialStore store = TrialStores.openH2(restored)) {
      List<Trial> trials = store.trials("c");
      assertThat(trials).hasSizeGreaterThanOrEqualTo(20);
      for (int i = 0; i < trials.size(); i++) {
        Trial t = trials.get(i);
        assertThat(t.number()).isEqualTo(i);
        if (t.status() == TrialStatus.COMPLETED) {
          assertThat(t.measurement()).contains(TrialWriterChild.measurement(i));
        } else {
          assertThat(t.status())
              .as("only the last may be in progress")
              .isEqualTo(TrialStatus.RUNNING);
          assertThat(i).isEqualTo(trials.size() - 1);
        }
      }
    }
    // The metric rows agree with the trial rows: none of a trial saved after the snapshot.
    try (var con =
            java.sql.DriverManager.getConnection(
                "jdbc:h2:file:" + restored.resolve(TrialStores.H2_FILE_NAME), "sa", "");
        var rs =
            con.createStatement()
                .executeQuery(
                    "SELECT t.number, t.status, COUNT(m.metric) FROM trials t LEFT JOIN"
                        + " trial_metrics m ON m.trial_id = t.id GROUP BY t.number, t.status")) {
      while (rs.next()) {
        assertThat(rs.getInt(3))
            .as("metric rows of trial %d (%s)", rs.getInt(1), rs.getString(2))
            .isEqualTo("completed".equals(rs.getString(2)) ? TrialWriterChild.METRICS : 0);
      }
    }
    assertThatThrownBy(() -> H2Backup.restore(file, restored))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fresh data directory");
  }

  @Test
  void aFileThatIsNotABackupOrWasCutShortRestoresNothing() throws Exception {
    Path notBackup = scratch.resolve("x.sql");
    Files.writeString(notBackup, "DROP ALL OBJECTS;\n");
    Path dir = scratch.resolve("d");
    assertThatThrownBy(() -> H2Backup.restore(notBackup, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an Infertune backup");
    Path broken = scratch.resolve("broken.sql");
    Files.writeString(
        broken,
        H2Backup.HEADER + "\nCREATE TABLE t (x INT);\nNOT SQL AT ALL;\n" + H2Backup.TRAILER + "\n");
    assertThatThrownBy(() -> H2Backup.restore(broken, dir)).isInstanceOf(StoreException.class);
    assertThat(dir.resolve(TrialStores.H2_FILE_NAME + ".mv.db"))
        .as("a restore that fails part-way leaves no database")
        .doesNotExist();
  }
}
