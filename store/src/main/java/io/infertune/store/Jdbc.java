package io.infertune.store;

import io.infertune.store.json.WireFormat;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * What the JDBC stores share: the schema's migration, a data source lent one connection (and one
 * transaction) per call, the conversions of instants and enums, and the columns of a trial's state,
 * which campaigns' {@code trials} and studies' {@code study_trials} have alike.
 *
 * @implNote thread-safe.
 */
final class Jdbc implements AutoCloseable {
  static final String UNIQUE_VIOLATION = "23505";
  // PostgreSQL says 23503 for every foreign-key violation; H2 says 23506 for a missing parent.
  static final Set<String> FOREIGN_KEY_VIOLATIONS = Set.of("23503", "23506");

  /**
   * The columns of a trial's state, in the order {@link #bindTrialState} binds them (after the id,
   * the parent's id and the number).
   */
  static final String TRIAL_STATE_COLUMNS =
      "status, baseline, objective_value, reason, started_at, finished_at, configuration_json,"
          + " measurement_json";

  // Flyway instances of one JVM do not see each other's work on an embedded H2 database: two
  // stores opened at once would both create its history table. PostgreSQL's advisory lock covers
  // other processes.
  private static final Object MIGRATION_LOCK = new Object();

  @FunctionalInterface
  interface Work<T> {
    T run(Connection con) throws SQLException;
  }

  private final String name;
  private final DataSource dataSource;
  private final AutoCloseable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param name what the store is called in messages, e.g. {@code trial store}
   * @param onClose run once when this is closed (closing a pool the store owns)
   */
  Jdbc(String name, DataSource dataSource, AutoCloseable onClose) {
    this.name = Objects.requireNonNull(name, "name");
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.onClose = Objects.requireNonNull(onClose, "onClose");
  }

  /**
   * Brings the schema of {@code dataSource} to this version's; see {@link
   * JdbcTrialStore#migrate(DataSource)}.
   */
  static void migrate(DataSource dataSource) {
    synchronized (MIGRATION_LOCK) {
      try {
        Flyway.configure(Jdbc.class.getClassLoader())
            .dataSource(dataSource)
            .locations("classpath:db/migration")
            .failOnMissingLocations(true)
            .load()
            .migrate();
      } catch (FlywayException e) {
        throw new StoreException("cannot migrate the store's schema: " + e.getMessage(), e);
      }
    }
  }

  <T> T withConnection(String what, Work<T> work) {
    if (closed.get()) {
      throw new IllegalStateException("the " + name + " is closed");
    }
    try (Connection con = dataSource.getConnection()) {
      return work.run(con);
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  <T> T inTransaction(String what, Work<T> work) {
    return withConnection(
        what,
        con -> {
          con.setAutoCommit(false);
          T result;
          try {
            result = work.run(con);
            con.commit();
          } catch (SQLException | RuntimeException e) {
            try {
              con.rollback();
            } catch (SQLException rollbackFailure) {
              e.addSuppressed(rollbackFailure);
            }
            // The connection goes back to a pool: leave it as the pool lent it, without letting
            // a failure to do so hide the error that matters.
            try {
              con.setAutoCommit(true);
            } catch (SQLException resetFailure) {
              e.addSuppressed(resetFailure);
            }
            throw e;
          }
          con.setAutoCommit(true);
          return result;
        });
  }

  /** Runs {@code onClose} once; later calls do nothing and later work is refused. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        onClose.close();
      } catch (Exception e) {
        throw new StoreException("cannot close the " + name + ": " + e.getMessage(), e);
      }
    }
  }

  // ----------------------------------------------------------------------------- conversions

  static StoreException unreadable(String what, RuntimeException e) {
    return new StoreException(what + " is stored in a form this version cannot read: " + e, e);
  }

  static String wire(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  static void setFinite(PreparedStatement ps, int index, double v) throws SQLException {
    if (Double.isFinite(v)) {
      ps.setDouble(index, v);
    } else {
      ps.setNull(index, Types.DOUBLE);
    }
  }

  /** The instant as the database keeps it: UTC, truncated to the microsecond. */
  static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(micros(instant), ZoneOffset.UTC);
  }

  static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  static Instant micros(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  // ----------------------------------------------------------------------------- trial state

  /** The trial as the database keeps it: instants in microseconds, {@code -0.0} as {@code 0.0}. */
  static Trial normalized(Trial t) {
    // H2 stores -0.0 as 0.0; equal as numbers, but not as OptionalDoubles, so normalise first.
    OptionalDouble objective =
        t.objectiveValue().isPresent() && t.objectiveValue().getAsDouble() == 0
            ? OptionalDouble.of(0.0)
            : t.objectiveValue();
    return new Trial(
        t.id(),
        t.campaignId(),
        t.number(),
        t.configuration(),
        t.status(),
        t.measurement(),
        objective,
        t.reason(),
        t.baseline(),
        micros(t.startedAt()),
        t.finishedAt().map(Jdbc::micros));
  }

  /** Binds the 8 {@link #TRIAL_STATE_COLUMNS} from {@code first}. */
  static void bindTrialState(PreparedStatement ps, int first, Trial t) throws SQLException {
    int i = first;
    ps.setString(i++, wire(t.status()));
    ps.setBoolean(i++, t.baseline());
    if (t.objectiveValue().isPresent()) {
      ps.setDouble(i++, t.objectiveValue().getAsDouble());
    } else {
      ps.setNull(i++, Types.DOUBLE);
    }
    ps.setString(i++, t.reason().orElse(null));
    ps.setObject(i++, timestamp(t.startedAt()));
    ps.setObject(i++, t.finishedAt().map(Jdbc::timestamp).orElse(null));
    ps.setString(i++, WireFormat.toJson(WireFormat.writeConfiguration(t.configuration())));
    ps.setString(
        i,
        t.measurement().map(m -> WireFormat.toJson(WireFormat.writeMeasurement(m))).orElse(null));
  }

  /**
   * The trial at the current row, which has {@code id}, {@code number}, the {@link
   * #TRIAL_STATE_COLUMNS} and the parent's id in {@code parentColumn}.
   */
  static Trial trialAt(ResultSet rs, String parentColumn) throws SQLException {
    String id = rs.getString("id");
    try {
      Configuration configuration =
          WireFormat.readConfiguration(WireFormat.parse(rs.getString("configuration_json")));
      String measurementJson = rs.getString("measurement_json");
      Optional<Measurement> measurement =
          measurementJson == null
              ? Optional.empty()
              : Optional.of(WireFormat.readMeasurement(WireFormat.parse(measurementJson)));
      Double objective = rs.getObject("objective_value", Double.class);
      return new Trial(
          id,
          rs.getString(parentColumn),
          rs.getInt("number"),
          configuration,
          TrialStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
          measurement,
          objective == null ? OptionalDouble.empty() : OptionalDouble.of(objective),
          Optional.ofNullable(rs.getString("reason")),
          rs.getBoolean("baseline"),
          instant(rs, "started_at").orElseThrow(),
          instant(rs, "finished_at"));
    } catch (IllegalArgumentException | NoSuchElementException e) {
      throw unreadable("trial " + id, e);
    }
  }
}
