package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.study.Study;
import io.infertune.tuner.testkit.StudyStoreContract;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@link JdbcStudyStore} promises beyond {@link StudyStoreContract}, checked on each database
 * it supports: persistence across reopening, the keys kept by the schema itself, microsecond
 * instants, sharing one database with a {@link JdbcTrialStore}, and messages that say what clashed.
 */
abstract class JdbcStudyStoreContract extends StudyStoreContract {
  /** Closes {@link #store} and opens a new store on the same database. */
  protected abstract void reopenStore();

  /** A trial store on the store's database. */
  protected abstract TrialStore openTrialStore();

  /** A connection to the store's database, for checking what it holds. */
  protected abstract Connection connect() throws SQLException;

  protected List<String> query(String sql) throws SQLException {
    try (Connection c = connect()) {
      return Rows.of(c, sql);
    }
  }

  @Test
  void aReopenedDatabaseHasEverything() {
    Study s = new Study("s", spec(), T0);
    store.createStudy(s);
    Trial running = running("s", 0);
    Trial failed = running("s", 1).ended(TrialStatus.FAILED, "oom", T0.plusSeconds(3));
    store.addTrials(List.of(running, running("s", 1)));
    assertThat(store.finishTrial(failed)).isTrue();

    reopenStore();

    assertThat(store.studies()).containsExactly(s);
    assertThat(store.trials("s")).containsExactly(running, failed);
    // The running trial can still be finished after the restart, once.
    Trial done =
        running.measured(reported(Map.of("loss", 1.5)), 1.5, Optional.empty(), T0.plusSeconds(9));
    assertThat(store.finishTrial(done)).isTrue();
    assertThat(store.finishTrial(done)).isFalse();
    assertThat(store.trial("s", running.id())).contains(done);
  }

  @Test
  void theSchemaItselfKeepsTheKeys() throws Exception {
    store.createStudy(study("s", T0));
    store.addTrials(List.of(running("s", 0)));
    String insert =
        "INSERT INTO study_trials (id, study_id, number, status, baseline, started_at,"
            + " configuration_json) VALUES ('%s', '%s', %d, 'running', FALSE,"
            + " TIMESTAMP WITH TIME ZONE '2026-03-01 10:00:00+00', '{}')";
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      // The same id; the same (study, number) under another id; a study that does not exist.
      for (String sql :
          List.of(
              String.format(insert, "s-0", "s", 5),
              String.format(insert, "other", "s", 0),
              String.format(insert, "g-0", "ghost", 0))) {
        assertThatThrownBy(() -> st.executeUpdate(sql)).as(sql).isInstanceOf(SQLException.class);
      }
    }
    assertThat(store.trials("s")).containsExactly(running("s", 0));
  }

  @Test
  void clashesSayWhatClashed() {
    store.createStudy(study("s", T0));
    store.addTrials(List.of(running("s", 0)));
    Trial sameNumber =
        new Trial(
            "s-zero",
            "s",
            0,
            Configuration.empty(),
            TrialStatus.RUNNING,
            Optional.empty(),
            java.util.OptionalDouble.empty(),
            Optional.empty(),
            false,
            T0,
            Optional.empty());
    assertThatThrownBy(() -> store.addTrials(List.of(sameNumber)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("study s already has a trial number 0");
    assertThatThrownBy(() -> store.addTrials(List.of(running("s", 0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("trial s-0 exists");
    assertThatThrownBy(() -> store.addTrials(List.of(running("ghost", 0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no study ghost for trial ghost-0");
    assertThatThrownBy(() -> store.createStudy(study("s", T0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("study s exists");
  }

  @Test
  void instantsAreKeptToTheMicrosecond() {
    Instant withNanos = Instant.parse("2026-03-01T10:00:00.123456789Z");
    Instant micros = withNanos.truncatedTo(ChronoUnit.MICROS);
    store.createStudy(study("s", withNanos));
    assertThat(store.study("s").orElseThrow().createdAt()).isEqualTo(micros);
    Trial running = Trial.running("s", 0, Configuration.of("x", 1), false, withNanos);
    store.addTrials(List.of(running));
    assertThat(store.trial("s", "s-0").orElseThrow().startedAt()).isEqualTo(micros);
    assertThat(store.finishTrial(running.ended(TrialStatus.FAILED, "x", withNanos.plusNanos(999))))
        .isTrue();
    assertThat(store.trial("s", "s-0").orElseThrow().finishedAt())
        .contains(withNanos.plusNanos(999).truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  void negativeZeroIsKeptAsZero() {
    store.createStudy(study("s", T0));
    Trial running = running("s", 0);
    store.addTrials(List.of(running));
    Trial done = running.measured(reported(Map.of("y", -0.0)), -0.0, Optional.empty(), T0);
    assertThat(store.finishTrial(done)).isTrue();
    assertThat(store.trial("s", "s-0").orElseThrow().objectiveValue()).hasValue(0.0);
  }

  @Test
  void aTrialStoreSharesTheDatabaseAndItsOneMigration() throws Exception {
    try (TrialStore trials = openTrialStore()) {
      // One id for a campaign and a study, and so for their trials: the tables are apart.
      trials.createCampaign(Campaign.created("x", TrialStoreContract.spec(), "operator", T0));
      trials.saveTrial(TrialStoreContract.measuredTrial("x", 0));
      store.createStudy(study("x", T0));
      store.addTrials(List.of(running("x", 0)));

      assertThat(trials.trials("x")).containsExactly(TrialStoreContract.measuredTrial("x", 0));
      assertThat(store.trials("x")).containsExactly(running("x", 0));
      assertThat(query(Rows.MIGRATIONS))
          .startsWith("1|initial schema|true", "2|studies|true")
          .doesNotHaveDuplicates();
    }
    // Closing the trial store leaves this one working.
    assertThat(store.study("x")).isPresent();
  }

  @Test
  void aClosedStoreRefusesWork() {
    store.close();
    store.close();
    assertThatThrownBy(() -> store.studies())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the study store is closed");
  }
}
