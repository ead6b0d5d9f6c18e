package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM saving trials into the H2 file store is killed with SIGKILL at random points (seeded,
 * {@code -Dinfertune.crashSeed=N}) several times: every trial it reported saved is there, whole
 * (its row, its measurement and all of its metric rows), none is half-recorded, at most the one in
 * progress is left RUNNING, and numbering has no gap or duplicate.
 */
class H2CrashDurabilityTest {
  @TempDir Path dataDir;

  private static final int KILLS = 3;

  @Test
  void sigkilledWritersNeverLeaveAHalfRecordedTrial() throws Exception {
    long seed = Long.getLong("infertune.crashSeed", System.nanoTime());
    Random random = new Random(seed);
    String context = "seed " + seed;
    int lastReported = -1;
    for (int kill = 0; kill < KILLS; kill++) {
      List<String> argv =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              System.getProperty("java.class.path"),
              TrialWriterChild.class.getName(),
              dataDir.toString());
      Process child = new ProcessBuilder(argv).redirectErrorStream(true).start();
      int killAfter = lastReported + 5 + random.nextInt(40);
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        // Reads until the child reports enough saves: the deadline is the child's own progress,
        // and a child that dies early ends the output (then the assertion below says so).
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith("saved ")) {
            lastReported = Integer.parseInt(line.substring(6));
            if (lastReported >= killAfter) {
              break;
            }
          }
        }
        // SIGKILL at once, mid-write: the child goes on saving while this line runs.
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(lastReported)
          .as("the child saved trials, " + context)
          .isGreaterThanOrEqualTo(killAfter);
      assertWhole(lastReported, context);
    }
  }

  private void assertWhole(int lastReported, String context) throws Exception {
    try (JdbcTrialStore store = TrialStores.openH2(dataDir)) {
      List<Trial> trials = store.trials(TrialWriterChild.CAMPAIGN);
      List<Integer> numbers = new ArrayList<>();
      int running = 0;
      for (Trial t : trials) {
        numbers.add(t.number());
        if (t.status() == TrialStatus.RUNNING) {
          running++;
          assertThat(t.measurement()).isEmpty();
        } else if (t.status() == TrialStatus.COMPLETED) {
          assertThat(t.measurement())
              .as("trial %d, %s", t.number(), context)
              .contains(TrialWriterChild.measurement(t.number()));
        } else {
          assertThat(t.status()).as(context).isEqualTo(TrialStatus.ABORTED);
        }
      }
      assertThat(running).as("only the trial in progress, " + context).isLessThanOrEqualTo(1);
      for (int i = 0; i < numbers.size(); i++) {
        assertThat(numbers.get(i)).as("no gap, no duplicate, " + context).isEqualTo(i);
      }
      assertThat(numbers.size())
          .as("every reported save is there, " + context)
          .isGreaterThan(lastReported);
      try (Connection con =
              DriverManager.getConnection(
                  "jdbc:h2:file:"
                      + dataDir.toAbsolutePath().resolve(TrialStores.H2_FILE_NAME)
                      + TrialStores.H2_FILE_SETTINGS,
                  "sa",
                  "");
          PreparedStatement ps =
              con.prepareStatement(
                  "SELECT t.number, t.status, COUNT(m.metric) FROM trials t LEFT JOIN trial_metrics"
                      + " m ON m.trial_id = t.id GROUP BY t.number, t.status")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            int expected =
                "completed".equalsIgnoreCase(rs.getString(2)) ? TrialWriterChild.METRICS : 0;
            assertThat(rs.getInt(3))
                .as("metric rows of trial %d (%s), %s", rs.getInt(1), rs.getString(2), context)
                .isEqualTo(expected);
          }
        }
      }
    }
  }
}
