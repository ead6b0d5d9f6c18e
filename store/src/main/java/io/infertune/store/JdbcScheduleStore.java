package io.infertune.store;

import static io.infertune.store.Jdbc.UNIQUE_VIOLATION;
import static io.infertune.store.Jdbc.instant;
import static io.infertune.store.Jdbc.timestamp;
import static io.infertune.store.Jdbc.unreadable;

import io.infertune.tuner.schedule.Schedule;
import io.infertune.tuner.schedule.ScheduleSpec;
import io.infertune.tuner.schedule.ScheduleStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link ScheduleStore} over JDBC: H2 or PostgreSQL, in the same database and schema as {@link
 * JdbcTrialStore} (table {@code schedules}, see {@code db/migration}), migrated by Flyway when the
 * store opens. Use {@link TrialStores#openSchedulesH2} or {@link TrialStores#openSchedules} to open
 * one with a connection pool; this class takes any {@link DataSource}.
 *
 * <p>A schedule is one row; its template is kept as the operator's JSON text, unread. {@link
 * #claim} is one {@code UPDATE ... WHERE next_run_at = ?} whose row count says whether it won, so
 * that two service instances on one database fire a run once.
 *
 * @apiNote beyond {@link ScheduleStore}'s contract: instants are kept to the microsecond (a
 *     schedule read back equals the one written with its instants truncated to microseconds); any
 *     other failure of the database is a {@link StoreException}; every method is one statement.
 * @implNote thread-safe: each call borrows a connection from the data source.
 */
public final class JdbcScheduleStore implements ScheduleStore {
  private static final String COLUMNS =
      "id, name, cron, zone, template_json, enabled, warm_start, retune_on_drift, created_at,"
          + " next_run_at, last_run_at, last_campaign_id, last_error";

  private final Jdbc db;

  /**
   * A store over {@code dataSource}, whose schema is first migrated to this version's. The caller
   * keeps ownership of the data source: {@link #close()} does not close it.
   *
   * @throws StoreException when the database cannot be reached or migrated
   */
  public JdbcScheduleStore(DataSource dataSource) {
    this(dataSource, () -> {});
  }

  /** A store that runs {@code onClose} (closing its pool) when it is closed. */
  JdbcScheduleStore(DataSource dataSource, AutoCloseable onClose) {
    this(dataSource, onClose, true);
  }

  /** With {@code migrate} false the caller has migrated {@code dataSource} ({@link Stores}). */
  JdbcScheduleStore(DataSource dataSource, AutoCloseable onClose, boolean migrate) {
    this.db = new Jdbc("schedule store", dataSource, onClose);
    if (migrate) {
      Jdbc.migrate(dataSource);
    }
  }

  @Override
  public void create(Schedule schedule) {
    Objects.requireNonNull(schedule, "schedule");
    db.withConnection(
        "create schedule " + schedule.id(),
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "INSERT INTO schedules ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            ps.setString(i++, schedule.id());
            i = bindSpec(ps, i, schedule.spec());
            ps.setObject(i++, timestamp(schedule.createdAt()));
            ps.setObject(i++, schedule.nextRunAt().map(Jdbc::timestamp).orElse(null));
            ps.setObject(i++, schedule.lastRunAt().map(Jdbc::timestamp).orElse(null));
            ps.setString(i++, schedule.lastCampaignId().orElse(null));
            ps.setString(i, schedule.lastError().orElse(null));
            ps.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw new IllegalStateException("schedule " + schedule.id() + " exists", e);
            }
            throw e;
          }
          return null;
        });
  }

  /**
   * Binds name, cron, zone, template_json, enabled, warm_start and retune_on_drift from {@code
   * first}.
   */
  private static int bindSpec(PreparedStatement ps, int first, ScheduleSpec spec)
      throws SQLException {
    int i = first;
    ps.setString(i++, spec.name());
    ps.setString(i++, spec.cron());
    ps.setString(i++, spec.zone().getId());
    ps.setString(i++, spec.template());
    ps.setBoolean(i++, spec.enabled());
    ps.setBoolean(i++, spec.warmStart());
    ps.setBoolean(i++, spec.retuneOnDrift());
    return i;
  }

  @Override
  public Optional<Schedule> get(String id) {
    Objects.requireNonNull(id, "id");
    return db.withConnection(
        "read schedule " + id,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement("SELECT " + COLUMNS + " FROM schedules WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(scheduleAt(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<Schedule> list() {
    return db.withConnection(
        "list schedules",
        con -> {
          try (PreparedStatement ps =
                  con.prepareStatement(
                      "SELECT " + COLUMNS + " FROM schedules ORDER BY created_at DESC, id DESC");
              ResultSet rs = ps.executeQuery()) {
            List<Schedule> out = new ArrayList<>();
            while (rs.next()) {
              out.add(scheduleAt(rs));
            }
            return out;
          }
        });
  }

  private static Schedule scheduleAt(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    try {
      ScheduleSpec spec =
          new ScheduleSpec(
              rs.getString("name"),
              rs.getString("cron"),
              ZoneId.of(rs.getString("zone")),
              rs.getString("template_json"),
              rs.getBoolean("enabled"),
              rs.getBoolean("warm_start"),
              rs.getBoolean("retune_on_drift"));
      return new Schedule(
          id,
          spec,
          instant(rs, "created_at").orElseThrow(),
          instant(rs, "next_run_at"),
          instant(rs, "last_run_at"),
          Optional.ofNullable(rs.getString("last_campaign_id")),
          Optional.ofNullable(rs.getString("last_error")));
    } catch (IllegalArgumentException | NoSuchElementException | DateTimeException e) {
      throw unreadable("schedule " + id, e);
    }
  }

  @Override
  public boolean update(String id, ScheduleSpec spec, Optional<Instant> nextRunAt) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(nextRunAt, "nextRunAt");
    if (!spec.enabled() && nextRunAt.isPresent()) {
      throw new IllegalArgumentException("a disabled schedule has no next run");
    }
    return db.withConnection(
        "update schedule " + id,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "UPDATE schedules SET name = ?, cron = ?, zone = ?, template_json = ?,"
                      + " enabled = ?, warm_start = ?, retune_on_drift = ?, next_run_at = ? WHERE id = ?")) {
            int i = bindSpec(ps, 1, spec);
            ps.setObject(i++, nextRunAt.map(Jdbc::timestamp).orElse(null));
            ps.setString(i, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean delete(String id) {
    Objects.requireNonNull(id, "id");
    return db.withConnection(
        "delete schedule " + id,
        con -> {
          try (PreparedStatement ps = con.prepareStatement("DELETE FROM schedules WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean claim(String id, Instant due, Optional<Instant> next) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(next, "next");
    return db.withConnection(
        "claim the run of schedule " + id,
        con -> {
          // One statement: the database serialises concurrent updates of the row, and the loser
          // re-reads it with another next_run_at and updates nothing.
          try (PreparedStatement ps =
              con.prepareStatement(
                  "UPDATE schedules SET next_run_at = ?"
                      + " WHERE id = ? AND enabled = TRUE AND next_run_at = ?")) {
            ps.setObject(1, next.map(Jdbc::timestamp).orElse(null));
            ps.setString(2, id);
            ps.setObject(3, timestamp(due));
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean recordStarted(String id, Instant at, String campaignId) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    io.infertune.tuner.space.Names.requireId("campaign id", campaignId);
    return db.withConnection(
        "record a run of schedule " + id,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "UPDATE schedules SET last_run_at = ?, last_campaign_id = ?, last_error = NULL"
                      + " WHERE id = ?")) {
            ps.setObject(1, timestamp(at));
            ps.setString(2, campaignId);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean recordFailed(String id, Instant at, String error) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(error, "error");
    return db.withConnection(
        "record a failed run of schedule " + id,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "UPDATE schedules SET last_run_at = ?, last_error = ? WHERE id = ?")) {
            ps.setObject(1, timestamp(at));
            ps.setString(2, error);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** Closes the store (and the pool it owns, if any); later calls throw. Idempotent. */
  @Override
  public void close() {
    db.close();
  }
}
