package io.infertune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What {@link JdbcTrialStore} promises beyond {@link TrialStoreContract}, checked on each database
 * it supports: persistence across reopening, idempotent migrations, microsecond instants,
 * non-finite measured values, metric rows, conflicts, and concurrent saves.
 */
abstract class JdbcTrialStoreContract extends TrialStoreContract {
  /** Closes {@link #store} and opens a new store on the same database. */
  protected abstract void reopenStore();

  /** A connection to the store's database, for checking what it holds. */
  protected abstract Connection connect() throws SQLException;

  /** The rows of a query, columns joined by '|', reals as Java prints doubles. */
  protected List<String> query(String sql) throws SQLException {
    try (Connection c = connect()) {
      return Rows.of(c, sql);
    }
  }

  @Test
  void aReopenedDataDirectoryHasEverything() {
    Campaign c =
        Campaign.created("c", spec(), "operator", T0)
            .withBestTrial("c-0")
            .finished(CampaignStatus.COMPLETED, "done", T0.plusSeconds(9));
    store.createCampaign(c);
    Trial measured = measuredTrial("c", 0);
    Trial running = Trial.running("c", 1, Configuration.of("batch_size", 32), false, T0);
    store.saveTrial(measured);
    store.saveTrial(running);
    Deployment d =
        new Deployment(
            "d1",
            "embedded",
            Optional.of("c"),
            Configuration.of("batch_size", 1),
            Configuration.of("batch_size", 8),
            "campaign:c",
            "ratio 2.0",
            T0);
    store.recordDeployment(d);

    reopenStore();

    assertThat(store.campaigns()).containsExactly(c);
    assertThat(store.trials("c")).containsExactly(measured, running);
    assertThat(store.deployments("embedded")).containsExactly(d);
    // The running trial can still be finished after the restart.
    Trial finished = running.ended(TrialStatus.ABORTED, "service restarted", T0.plusSeconds(5));
    store.saveTrial(finished);
    assertThat(store.trial(running.id())).contains(finished);
  }

  @Test
  void migratingAnUpToDateDatabaseChangesNothing() throws Exception {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    store.saveTrial(measuredTrial("c", 0));
    String schema =
        "SELECT lower(table_name), lower(column_name), data_type, is_nullable"
            + " FROM information_schema.columns WHERE lower(table_schema) = 'public'"
            + " ORDER BY 1, ordinal_position";
    String history =
        "SELECT \"version\", \"description\", \"checksum\", \"success\", \"installed_on\""
            + " FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL"
            + " ORDER BY \"installed_rank\"";
    List<String> schemaBefore = query(schema);
    List<String> historyBefore = query(history);

    reopenStore();
    reopenStore();

    assertThat(query(schema)).isEqualTo(schemaBefore);
    // Each version applied once (H2 also has a row for the creation of Flyway's table).
    assertThat(query(history)).isEqualTo(historyBefore);
    assertThat(historyBefore)
        .extracting(r -> r.substring(0, r.indexOf('|')))
        .doesNotHaveDuplicates()
        .contains("1", "2", "4");
    assertThat(historyBefore.get(0)).startsWith("1|initial schema|").contains("|true|");
    assertThat(historyBefore.get(1)).startsWith("2|studies|").contains("|true|");
    assertThat(store.trials("c")).containsExactly(measuredTrial("c", 0));
    assertThat(schemaBefore)
        .extracting(r -> r.substring(0, r.indexOf('|')))
        .contains(
            "campaigns",
            "trials",
            "trial_metrics",
            "deployments",
            "schedules",
            "events",
            "studies",
            "study_trials");
  }

  @Test
  void instantsAreKeptToTheMicrosecond() {
    Instant withNanos = Instant.parse("2026-03-01T10:00:00.123456789Z");
    Instant micros = withNanos.truncatedTo(ChronoUnit.MICROS);
    store.createCampaign(Campaign.created("c", spec(), "operator", withNanos));
    assertThat(store.campaign("c").orElseThrow().createdAt()).isEqualTo(micros);

    Trial running = Trial.running("c", 0, Configuration.of("batch_size", 8), true, withNanos);
    store.saveTrial(running);
    store.saveTrial(running);
    assertThat(store.trial(running.id()).orElseThrow().startedAt()).isEqualTo(micros);
    Trial failed = running.ended(TrialStatus.FAILED, "crash", withNanos.plusNanos(999));
    store.saveTrial(failed);
    // Equal once truncated: saving the same final trial again is a no-op, not a conflict.
    store.saveTrial(failed);
    assertThat(store.trial(running.id()).orElseThrow().finishedAt())
        .contains(withNanos.plusNanos(999).truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  void nonFiniteMeasuredValuesRoundTrip() throws Exception {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    Measurement m =
        new Measurement(
            Map.of(
                "latency_ms",
                new MetricSummary(2.0, Double.NaN, Double.NaN, Double.NaN, 3, Optional.empty())),
            Duration.ofMillis(1500));
    Trial t =
        Trial.running("c", 0, Configuration.of("batch_size", 8), true, T0)
            .measured(m, Double.NaN, Optional.of("latency_p95_ms was not measured"), T0);
    store.saveTrial(t);
    assertThat(store.trial(t.id())).contains(t);
    assertThat(query("SELECT metric, mean, p95, sample_count, ci_low FROM trial_metrics"))
        .containsExactly("latency_ms|2.0|null|3|null");
  }

  @Test
  void extremeObjectiveValuesRoundTrip() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    Measurement m = measuredTrial("c", 0).measurement().orElseThrow();
    double[] values = {Double.MIN_VALUE, -Double.MAX_VALUE, Double.NEGATIVE_INFINITY, 0.1, -0.0};
    for (int n = 0; n < values.length; n++) {
      Trial t =
          Trial.running("c", n, Configuration.of("batch_size", 8), n == 0, T0)
              .measured(m, values[n], Optional.empty(), T0);
      store.saveTrial(t);
      store.saveTrial(t);
      if (n < values.length - 1) {
        assertThat(store.trial(t.id())).contains(t);
      }
    }
    // -0.0 is kept as 0.0 (H2 does not tell them apart), and saving it again is no conflict.
    assertThat(store.trial("c-4").orElseThrow().objectiveValue()).hasValue(0.0);
  }

  @Test
  void metricRowsFollowTheTrial() throws Exception {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    Trial running = Trial.running("c", 0, Configuration.of("batch_size", 8), true, T0);
    store.saveTrial(running);
    String metrics = "SELECT trial_id, metric, mean, ci_low FROM trial_metrics ORDER BY metric";
    assertThat(query(metrics)).isEmpty();
    Trial measured = measuredTrial("c", 0);
    store.saveTrial(measured);
    assertThat(query(metrics))
        .containsExactly("c-0|latency_ms|8.5|null", "c-0|throughput_rps|120.5|110.25");
  }

  @Test
  void conflictsAreIllegalStates() {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    assertThatThrownBy(() -> store.saveTrial(measuredTrial("nope", 0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no campaign nope");
    store.saveTrial(measuredTrial("c", 0));
    Trial sameNumber =
        new Trial(
            "other-id",
            "c",
            0,
            Configuration.empty(),
            TrialStatus.RUNNING,
            Optional.empty(),
            OptionalDouble.empty(),
            Optional.empty(),
            false,
            T0,
            Optional.empty());
    assertThatThrownBy(() -> store.saveTrial(sameNumber))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has a trial number 0");
    Trial running = Trial.running("c", 1, Configuration.empty(), false, T0);
    store.saveTrial(running);
    Trial moved =
        new Trial(
            running.id(),
            "c",
            7,
            Configuration.empty(),
            TrialStatus.RUNNING,
            Optional.empty(),
            OptionalDouble.empty(),
            Optional.empty(),
            false,
            T0,
            Optional.empty());
    assertThatThrownBy(() -> store.saveTrial(moved))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot move it");
    assertThatThrownBy(
            () -> store.updateCampaign(Campaign.created("ghost", spec(), "operator", T0)))
        .isInstanceOf(IllegalStateException.class);
    Deployment d =
        new Deployment(
            "d",
            "r",
            Optional.empty(),
            Configuration.empty(),
            Configuration.empty(),
            "operator",
            "",
            T0);
    store.recordDeployment(d);
    assertThatThrownBy(() -> store.recordDeployment(d)).isInstanceOf(IllegalStateException.class);
    assertThat(store.trials("c")).extracting(Trial::id).containsExactly("c-0", "c-1");
  }

  @Test
  void concurrentRunningAndFinalSavesEndFinal() throws Exception {
    store.createCampaign(Campaign.created("c", spec(), "operator", T0));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int n = 0; n < 20; n++) {
        Trial running = Trial.running("c", n, Configuration.of("batch_size", 8), n == 0, T0);
        Trial measured = measuredTrial("c", n);
        done.add(pool.submit(() -> store.saveTrial(running)));
        done.add(pool.submit(() -> store.saveTrial(measured)));
        done.add(pool.submit(() -> store.saveTrial(measured)));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          // A RUNNING save that comes after the final one is refused, as the contract says.
          assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        }
      }
    } finally {
      pool.shutdown();
    }
    assertThat(store.trials("c"))
        .hasSize(20)
        .allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED));
  }

  @Test
  void aClosedStoreRefusesWork() {
    store.close();
    store.close();
    assertThatThrownBy(() -> store.campaigns())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the trial store is closed");
  }
}
