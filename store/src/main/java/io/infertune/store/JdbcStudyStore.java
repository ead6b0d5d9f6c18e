package io.infertune.store;

import static io.infertune.store.Jdbc.FOREIGN_KEY_VIOLATIONS;
import static io.infertune.store.Jdbc.UNIQUE_VIOLATION;
import static io.infertune.store.Jdbc.bindTrialState;
import static io.infertune.store.Jdbc.instant;
import static io.infertune.store.Jdbc.timestamp;
import static io.infertune.store.Jdbc.unreadable;

import io.infertune.store.json.WireFormat;
import io.infertune.tuner.study.Study;
import io.infertune.tuner.study.StudySpec;
import io.infertune.tuner.study.StudyStore;
import io.infertune.tuner.trial.Trial;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link StudyStore} over JDBC: H2 or PostgreSQL, in the same database and schema as {@link
 * JdbcTrialStore} (tables {@code studies} and {@code study_trials}, see {@code db/migration}),
 * migrated by Flyway when the store opens. Use {@link TrialStores#openStudiesH2} or {@link
 * TrialStores#openStudies} to open one with a connection pool; this class takes any {@link
 * DataSource}.
 *
 * <p>A study's spec is {@link WireFormat} JSON in a text column; its trials are rows with the same
 * state columns as campaigns' trials. The database enforces the contract: the trial id is the
 * primary key, {@code (study_id, number)} is unique, a trial's study must exist, and {@link
 * #finishTrial} is one {@code UPDATE ... WHERE status = 'running'} whose row count says whether it
 * won, so that two service instances on one database finish a trial once.
 *
 * @apiNote beyond {@link StudyStore}'s contract:
 *     <ul>
 *       <li>Instants are kept to the microsecond, as in {@link JdbcTrialStore}: a record read back
 *           equals the one written with its instants truncated to microseconds; an objective value
 *           of {@code -0.0} is kept as {@code 0.0}.
 *       <li>{@link #addTrials} throws {@link IllegalStateException} also when a trial's study does
 *           not exist, and {@link IllegalArgumentException} when a trial is not RUNNING; nothing is
 *           added then.
 *       <li>{@link #finishTrial} matches the trial by id, study and number: a trial is never moved.
 *       <li>Studies with equal creation instants are listed by id, descending.
 *       <li>Any other failure of the database is a {@link StoreException}; every method is one
 *           transaction. Trial ids are at most 255 characters.
 *     </ul>
 *
 * @implNote thread-safe: each call borrows a connection from the data source for its own
 *     transaction.
 */
public final class JdbcStudyStore implements StudyStore {
  private static final String STUDY_COLUMNS = "id, name, created_at, spec_json";
  private static final String TRIAL_COLUMNS = "id, study_id, number, " + Jdbc.TRIAL_STATE_COLUMNS;

  private final Jdbc db;

  /**
   * A store over {@code dataSource}, whose schema is first migrated to this version's. The caller
   * keeps ownership of the data source: {@link #close()} does not close it. A {@link
   * JdbcTrialStore} may share the data source.
   *
   * @throws StoreException when the database cannot be reached or migrated
   */
  public JdbcStudyStore(DataSource dataSource) {
    this(dataSource, () -> {});
  }

  /** A store that runs {@code onClose} (closing its pool) when it is closed. */
  JdbcStudyStore(DataSource dataSource, AutoCloseable onClose) {
    this(dataSource, onClose, true);
  }

  /** With {@code migrate} false the caller has migrated {@code dataSource} ({@link Stores}). */
  JdbcStudyStore(DataSource dataSource, AutoCloseable onClose, boolean migrate) {
    this.db = new Jdbc("study store", dataSource, onClose);
    if (migrate) {
      Jdbc.migrate(dataSource);
    }
  }

  // ------------------------------------------------------------------------------------ studies

  @Override
  public void createStudy(Study study) {
    Objects.requireNonNull(study, "study");
    db.withConnection(
        "create study " + study.id(),
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "INSERT INTO studies (" + STUDY_COLUMNS + ") VALUES (?, ?, ?, ?)")) {
            ps.setString(1, study.id());
            ps.setString(2, study.spec().name());
            ps.setObject(3, timestamp(study.createdAt()));
            ps.setString(4, WireFormat.toJson(WireFormat.writeStudySpec(study.spec())));
            ps.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw new IllegalStateException("study " + study.id() + " exists", e);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public Optional<Study> study(String id) {
    Objects.requireNonNull(id, "id");
    return db.withConnection(
        "read study " + id,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement("SELECT " + STUDY_COLUMNS + " FROM studies WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(studyAt(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<Study> studies() {
    return db.withConnection(
        "list studies",
        con -> {
          try (PreparedStatement ps =
                  con.prepareStatement(
                      "SELECT "
                          + STUDY_COLUMNS
                          + " FROM studies ORDER BY created_at DESC, id DESC");
              ResultSet rs = ps.executeQuery()) {
            List<Study> out = new ArrayList<>();
            while (rs.next()) {
              out.add(studyAt(rs));
            }
            return out;
          }
        });
  }

  private static Study studyAt(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    try {
      StudySpec spec = WireFormat.readStudySpec(WireFormat.parse(rs.getString("spec_json")));
      return new Study(id, spec, instant(rs, "created_at").orElseThrow());
    } catch (IllegalArgumentException | NoSuchElementException e) {
      throw unreadable("study " + id, e);
    }
  }

  // ------------------------------------------------------------------------------------- trials

  @Override
  public void addTrials(List<Trial> trials) {
    List<Trial> batch = trials.stream().map(Jdbc::normalized).toList();
    for (Trial t : batch) {
      if (t.status().isFinal()) {
        throw new IllegalArgumentException(
            "suggested trials are RUNNING; trial " + t.id() + " is " + Jdbc.wire(t.status()));
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    db.inTransaction(
        "add " + batch.size() + " trials",
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "INSERT INTO study_trials ("
                      + TRIAL_COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Trial t : batch) {
              insert(ps, t);
            }
          }
          return null;
        });
  }

  private static void insert(PreparedStatement ps, Trial t) throws SQLException {
    ps.setString(1, t.id());
    ps.setString(2, t.campaignId());
    ps.setInt(3, t.number());
    bindTrialState(ps, 4, t);
    try {
      ps.executeUpdate();
    } catch (SQLException e) {
      if (FOREIGN_KEY_VIOLATIONS.contains(e.getSQLState())) {
        throw new IllegalStateException("no study " + t.campaignId() + " for trial " + t.id(), e);
      }
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        throw new IllegalStateException(
            message.contains("study_trials_study_number")
                ? "study " + t.campaignId() + " already has a trial number " + t.number()
                : "trial " + t.id() + " exists",
            e);
      }
      throw e;
    }
  }

  @Override
  public List<Trial> trials(String studyId) {
    Objects.requireNonNull(studyId, "studyId");
    return db.withConnection(
        "list the trials of study " + studyId,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT "
                      + TRIAL_COLUMNS
                      + " FROM study_trials WHERE study_id = ? ORDER BY number")) {
            ps.setString(1, studyId);
            return trialsOf(ps);
          }
        });
  }

  @Override
  public Optional<Trial> trial(String studyId, String trialId) {
    Objects.requireNonNull(studyId, "studyId");
    Objects.requireNonNull(trialId, "trialId");
    return db.withConnection(
        "read trial " + trialId,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT " + TRIAL_COLUMNS + " FROM study_trials WHERE id = ? AND study_id = ?")) {
            ps.setString(1, trialId);
            ps.setString(2, studyId);
            return trialsOf(ps).stream().findFirst();
          }
        });
  }

  private static List<Trial> trialsOf(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<Trial> out = new ArrayList<>();
      while (rs.next()) {
        out.add(Jdbc.trialAt(rs, "study_id"));
      }
      return out;
    }
  }

  @Override
  public boolean finishTrial(Trial finished) {
    if (!finished.status().isFinal()) {
      throw new IllegalArgumentException(
          "finishTrial takes a final trial; trial "
              + finished.id()
              + " is "
              + Jdbc.wire(finished.status()));
    }
    Trial t = Jdbc.normalized(finished);
    return db.withConnection("finish trial " + t.id(), con -> finish(con, t));
  }

  private static boolean finish(Connection con, Trial t) throws SQLException {
    // One statement: the database serialises concurrent updates of the row, and the loser
    // re-reads it, no longer RUNNING, and updates nothing.
    try (PreparedStatement ps =
        con.prepareStatement(
            "UPDATE study_trials SET status = ?, baseline = ?, objective_value = ?, reason = ?,"
                + " started_at = ?, finished_at = ?, configuration_json = ?,"
                + " measurement_json = ?"
                + " WHERE id = ? AND study_id = ? AND number = ? AND status = 'running'")) {
      bindTrialState(ps, 1, t);
      ps.setString(9, t.id());
      ps.setString(10, t.campaignId());
      ps.setInt(11, t.number());
      return ps.executeUpdate() == 1;
    }
  }

  // ------------------------------------------------------------------------------------- close

  /** Closes the store (and the pool it owns, if any); later calls throw. Idempotent. */
  @Override
  public void close() {
    db.close();
  }
}
