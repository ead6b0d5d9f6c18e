package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.schedule.Schedule;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.testkit.ScheduleStoreContract;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@link JdbcScheduleStore} promises beyond {@link ScheduleStoreContract}, checked on each
 * database it supports: persistence across reopening, microsecond instants, the schema's own keys,
 * sharing one database with a {@link JdbcTrialStore}, and refusing work once closed.
 */
abstract class JdbcScheduleStoreContract extends ScheduleStoreContract {
  /** Closes {@link #store} and opens a new store on the same database. */
  protected abstract void reopenStore();

  /** A trial store on the store's database. */
  protected abstract TrialStore openTrialStore();

  /** A connection to the store's database, for checking what it holds. */
  protected abstract Connection connect() throws SQLException;

  @Test
  void aReopenedDatabaseHasEverything() {
    Schedule s = schedule("s", T0);
    store.create(s);
    assertThat(store.claim("s", NEXT, Optional.of(NEXT.plusSeconds(86_400)))).isTrue();
    assertThat(store.recordStarted("s", NEXT, "c-1")).isTrue();
    assertThat(store.recordFailed("s", NEXT.plusSeconds(86_400), "busy")).isTrue();
    Schedule before = store.get("s").orElseThrow();

    reopenStore();

    assertThat(store.list()).containsExactly(before);
    assertThat(before.lastCampaignId()).contains("c-1");
    assertThat(before.lastError()).contains("busy");
  }

  @Test
  void instantsAreKeptToTheMicrosecond() {
    Instant withNanos = Instant.parse("2026-03-01T10:00:00.123456789Z");
    Instant micros = withNanos.truncatedTo(ChronoUnit.MICROS);
    store.create(Schedule.created("s", spec(), withNanos, Optional.of(withNanos)));
    Schedule read = store.get("s").orElseThrow();
    assertThat(read.createdAt()).isEqualTo(micros);
    assertThat(read.nextRunAt()).contains(micros);
    // A claim compares the instant as the database keeps it.
    assertThat(store.claim("s", micros, Optional.empty())).isTrue();
  }

  @Test
  void theSchemaItselfKeepsTheKey() throws Exception {
    store.create(schedule("s", T0));
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      String sql =
          "INSERT INTO schedules (id, name, cron, zone, template_json, enabled, warm_start,"
              + " created_at) VALUES ('s', 'n', '* * * * *', 'UTC', '{}', TRUE, TRUE,"
              + " TIMESTAMP WITH TIME ZONE '2026-03-01 10:00:00+00')";
      assertThatThrownBy(() -> st.executeUpdate(sql)).isInstanceOf(SQLException.class);
    }
    assertThat(store.list()).containsExactly(schedule("s", T0));
  }

  @Test
  void aTrialStoreSharesTheDatabaseAndItsMigrations() throws Exception {
    try (TrialStore trials = openTrialStore()) {
      trials.createCampaign(Campaign.created("x", TrialStoreContract.spec(), "schedule:x", T0));
      store.create(schedule("x", T0));
      assertThat(trials.campaign("x")).isPresent();
      assertThat(store.get("x")).isPresent();
      try (Connection c = connect()) {
        List<String> applied = Rows.of(c, Rows.MIGRATIONS);
        assertThat(applied).contains("4|schedules|true").doesNotHaveDuplicates();
        assertThat(applied).allSatisfy(row -> assertThat(row).endsWith("|true"));
      }
    }
    assertThat(store.get("x")).isPresent();
  }

  @Test
  void aClosedStoreRefusesWork() {
    store.close();
    store.close();
    assertThatThrownBy(() -> store.list())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the schedule store is closed");
  }
}
