package io.infertune.store;

import static io.infertune.store.Jdbc.FOREIGN_KEY_VIOLATIONS;
import static io.infertune.store.Jdbc.UNIQUE_VIOLATION;
import static io.infertune.store.Jdbc.bindTrialState;
import static io.infertune.store.Jdbc.instant;
import static io.infertune.store.Jdbc.micros;
import static io.infertune.store.Jdbc.setFinite;
import static io.infertune.store.Jdbc.timestamp;
import static io.infertune.store.Jdbc.unreadable;
import static io.infertune.store.Jdbc.wire;

import io.infertune.store.json.WireFormat;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.store.CampaignQuery;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A {@link TrialStore} over JDBC: H2 or PostgreSQL, one schema for both (see {@code db/migration}),
 * migrated by Flyway when the store opens. Use {@link TrialStores} to open one with a connection
 * pool; this class takes any {@link DataSource}.
 *
 * <p>Campaigns, trials and deployments are rows with their fields as columns; nested values (a
 * campaign's spec, configurations, a trial's measurement) are {@link WireFormat} JSON in text
 * columns, and each measured trial also has one {@code trial_metrics} row per metric summary for
 * dashboard queries. Reads rebuild the records from the columns and the JSON.
 *
 * @apiNote beyond {@link TrialStore}'s contract:
 *     <ul>
 *       <li>Instants are kept to the microsecond (the precision PostgreSQL has): every instant is
 *           truncated to microseconds before it is written, so a record read back equals the one
 *           saved with its instants truncated ({@code instant.truncatedTo(ChronoUnit.MICROS)}). The
 *           comparisons of {@link #saveTrial} are made after that truncation, so saving the same
 *           trial again is a no-op even when its instants have nanoseconds. Likewise an objective
 *           value of {@code -0.0} is kept as {@code 0.0} (H2 does not tell them apart).
 *       <li>{@link #createCampaign} and {@link #recordDeployment} throw {@link
 *           IllegalStateException} when the id exists; {@link #updateCampaign} when it does not;
 *           {@link #saveTrial} when the trial's campaign does not exist, when a final trial would
 *           change, when the trial's campaign or number would change, or when its campaign already
 *           has another trial with its number.
 *       <li>Campaigns with equal creation instants are listed by id, descending; deployments with
 *           equal instants likewise.
 *       <li>Any other failure of the database is a {@link StoreException}; every method is one
 *           transaction, so a failed write leaves nothing behind.
 *       <li>Ids are at most 255 characters (campaign ids are names, at most 64).
 *     </ul>
 *
 * @implNote thread-safe: each call borrows a connection from the data source for its own
 *     transaction. Concurrent saves of one trial are serialised by the database (a row lock, and
 *     the primary key for two first saves: the loser retries and finds the winner's row).
 */
public final class JdbcTrialStore implements TrialStore {
  private static final int SAVE_ATTEMPTS = 3;

  private static final String CAMPAIGN_COLUMNS =
      "id, name, runtime_id, status, started_by, created_at, finished_at, best_trial_id, message,"
          + " spec_json";
  private static final String TRIAL_COLUMNS =
      "id, campaign_id, number, " + Jdbc.TRIAL_STATE_COLUMNS;
  private static final String DEPLOYMENT_COLUMNS =
      "id, runtime_id, campaign_id, before_json, after_json, cause, evidence, at";

  private final Jdbc db;

  /** Writes this store made ({@link #changeCount}), counted once each has committed. */
  private final AtomicLong changes = new AtomicLong();

  /**
   * A store over {@code dataSource}, whose schema is first migrated to this version's. The caller
   * keeps ownership of the data source: {@link #close()} does not close it.
   *
   * @throws StoreException when the database cannot be reached or migrated
   */
  public JdbcTrialStore(DataSource dataSource) {
    this(dataSource, () -> {});
  }

  /** A store that runs {@code onClose} (closing its pool) when it is closed. */
  JdbcTrialStore(DataSource dataSource, AutoCloseable onClose) {
    this(dataSource, onClose, true);
  }

  /** With {@code migrate} false the caller has migrated {@code dataSource} ({@link Stores}). */
  JdbcTrialStore(DataSource dataSource, AutoCloseable onClose, boolean migrate) {
    this.db = new Jdbc("trial store", dataSource, onClose);
    if (migrate) {
      migrate(dataSource);
    }
  }

  /**
   * Brings the schema of {@code dataSource} to this version's by applying the migrations it has not
   * had; a database that is up to date is left unchanged.
   *
   * @throws StoreException when the migration fails (nothing of a failed migration is kept where
   *     the database has transactional DDL, as PostgreSQL and H2 do)
   */
  public static void migrate(DataSource dataSource) {
    Jdbc.migrate(dataSource);
  }

  // ---------------------------------------------------------------------------------- campaigns

  @Override
  public void createCampaign(Campaign campaign) {
    Campaign c = normalized(campaign);
    withConnection(
        "create campaign " + c.id(),
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "INSERT INTO campaigns ("
                      + CAMPAIGN_COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, c.id());
            bindCampaignFields(ps, 2, c);
            ps.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw new IllegalStateException("campaign " + c.id() + " exists", e);
            }
            throw e;
          }
          return null;
        });
    changes.incrementAndGet();
  }

  @Override
  public void updateCampaign(Campaign campaign) {
    Campaign c = normalized(campaign);
    withConnection(
        "update campaign " + c.id(),
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "UPDATE campaigns SET name = ?, runtime_id = ?, status = ?, started_by = ?,"
                      + " created_at = ?, finished_at = ?, best_trial_id = ?, message = ?,"
                      + " spec_json = ? WHERE id = ?")) {
            bindCampaignFields(ps, 1, c);
            ps.setString(10, c.id());
            if (ps.executeUpdate() == 0) {
              throw new IllegalStateException("no campaign " + c.id());
            }
          }
          return null;
        });
    changes.incrementAndGet();
  }

  @Override
  public Optional<Campaign> campaign(String id) {
    Objects.requireNonNull(id, "id");
    return withConnection(
        "read campaign " + id,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement("SELECT " + CAMPAIGN_COLUMNS + " FROM campaigns WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(campaignAt(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<Campaign> campaigns() {
    return withConnection(
        "list campaigns",
        con -> {
          try (PreparedStatement ps =
                  con.prepareStatement(
                      "SELECT "
                          + CAMPAIGN_COLUMNS
                          + " FROM campaigns ORDER BY created_at DESC, id DESC");
              ResultSet rs = ps.executeQuery()) {
            List<Campaign> out = new ArrayList<>();
            while (rs.next()) {
              out.add(campaignAt(rs));
            }
            return out;
          }
        });
  }

  /** One page in SQL, by the (created_at) index, with the cursor's instant read first. */
  @Override
  public List<Campaign> campaignsPage(CampaignQuery query) {
    Objects.requireNonNull(query, "query");
    return withConnection(
        "list a page of campaigns",
        con -> {
          StringBuilder sql =
              new StringBuilder("SELECT " + CAMPAIGN_COLUMNS + " FROM campaigns WHERE 1 = 1");
          List<Object> args = new ArrayList<>();
          if (query.before().isPresent()) {
            String id = query.before().get();
            OffsetDateTime createdAt = cursorInstant(con, id);
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            args.add(createdAt);
            args.add(createdAt);
            args.add(id);
          }
          query
              .status()
              .ifPresent(
                  st -> {
                    sql.append(" AND status = ?");
                    args.add(wire(st));
                  });
          query
              .runtimeId()
              .ifPresent(
                  r -> {
                    sql.append(" AND runtime_id = ?");
                    args.add(r);
                  });
          sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
          args.add(query.limit());
          try (PreparedStatement ps = con.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              List<Campaign> out = new ArrayList<>();
              while (rs.next()) {
                out.add(campaignAt(rs));
              }
              return out;
            }
          }
        });
  }

  /** The creation instant of the cursor's campaign, bound as the store binds instants. */
  private static OffsetDateTime cursorInstant(Connection con, String id) throws SQLException {
    try (PreparedStatement ps =
        con.prepareStatement("SELECT created_at FROM campaigns WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("no campaign '" + id + "'");
        }
        return timestamp(instant(rs, "created_at").orElseThrow());
      }
    }
  }

  private static void bindCampaignFields(PreparedStatement ps, int first, Campaign c)
      throws SQLException {
    int i = first;
    ps.setString(i++, c.spec().name());
    ps.setString(i++, c.spec().runtimeId());
    ps.setString(i++, wire(c.status()));
    ps.setString(i++, c.startedBy());
    ps.setObject(i++, timestamp(c.createdAt()));
    ps.setObject(i++, c.finishedAt().map(Jdbc::timestamp).orElse(null));
    ps.setString(i++, c.bestTrialId().orElse(null));
    ps.setString(i++, c.message().orElse(null));
    ps.setString(i, WireFormat.toJson(WireFormat.writeCampaignSpec(c.spec())));
  }

  private static Campaign campaignAt(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    try {
      CampaignSpec spec = WireFormat.readCampaignSpec(WireFormat.parse(rs.getString("spec_json")));
      return new Campaign(
          id,
          spec,
          CampaignStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
          rs.getString("started_by"),
          instant(rs, "created_at").orElseThrow(),
          instant(rs, "finished_at"),
          Optional.ofNullable(rs.getString("best_trial_id")),
          Optional.ofNullable(rs.getString("message")));
    } catch (IllegalArgumentException e) {
      throw unreadable("campaign " + id, e);
    }
  }

  // ------------------------------------------------------------------------------------- trials

  @Override
  public void saveTrial(Trial trial) {
    Trial t = Jdbc.normalized(trial);
    for (int attempt = 1; ; attempt++) {
      try {
        inTransaction(
            "save trial " + t.id(),
            con -> {
              saveIn(con, t);
              return null;
            });
        changes.incrementAndGet();
        return;
      } catch (StoreException e) {
        // Two first saves of one trial: the loser's insert fails on the primary key once the
        // winner commits; the next attempt finds the winner's row and compares with it.
        if (attempt < SAVE_ATTEMPTS && e.sqlState().filter(UNIQUE_VIOLATION::equals).isPresent()) {
          continue;
        }
        throw e;
      }
    }
  }

  private static void saveIn(Connection con, Trial t) throws SQLException {
    Optional<Trial> existing = selectTrial(con, t.id(), true);
    if (existing.isEmpty()) {
      insertTrial(con, t);
      insertMetrics(con, t);
      return;
    }
    Trial old = existing.get();
    if (old.equals(t)) {
      return;
    }
    if (old.status().isFinal()) {
      throw new IllegalStateException(
          "trial "
              + t.id()
              + " is "
              + wire(old.status())
              + ", which is final; it cannot be saved again with other values");
    }
    if (!old.campaignId().equals(t.campaignId()) || old.number() != t.number()) {
      throw new IllegalStateException(
          "trial "
              + t.id()
              + " is number "
              + old.number()
              + " of campaign "
              + old.campaignId()
              + "; a later state cannot move it");
    }
    try (PreparedStatement ps =
        con.prepareStatement(
            "UPDATE trials SET status = ?, baseline = ?, objective_value = ?, reason = ?,"
                + " started_at = ?, finished_at = ?, configuration_json = ?,"
                + " measurement_json = ? WHERE id = ?")) {
      bindTrialState(ps, 1, t);
      ps.setString(9, t.id());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        con.prepareStatement("DELETE FROM trial_metrics WHERE trial_id = ?")) {
      ps.setString(1, t.id());
      ps.executeUpdate();
    }
    insertMetrics(con, t);
  }

  private static void insertTrial(Connection con, Trial t) throws SQLException {
    try (PreparedStatement ps =
        con.prepareStatement(
            "INSERT INTO trials ("
                + TRIAL_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, t.id());
      ps.setString(2, t.campaignId());
      ps.setInt(3, t.number());
      bindTrialState(ps, 4, t);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (FOREIGN_KEY_VIOLATIONS.contains(e.getSQLState())) {
        throw new IllegalStateException(
            "no campaign " + t.campaignId() + " for trial " + t.id(), e);
      }
      String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (UNIQUE_VIOLATION.equals(e.getSQLState()) && message.contains("trials_campaign_number")) {
        throw new IllegalStateException(
            "campaign "
                + t.campaignId()
                + " already has a trial number "
                + t.number()
                + " under another id than "
                + t.id(),
            e);
      }
      throw e;
    }
  }

  private static void insertMetrics(Connection con, Trial t) throws SQLException {
    if (t.measurement().isEmpty() || t.measurement().get().metrics().isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        con.prepareStatement(
            "INSERT INTO trial_metrics (trial_id, metric, mean, p50, p95, p99, sample_count,"
                + " ci_low, ci_high, ci_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, MetricSummary> e : t.measurement().get().metrics().entrySet()) {
        MetricSummary s = e.getValue();
        ps.setString(1, t.id());
        ps.setString(2, e.getKey());
        ps.setDouble(3, s.mean());
        setFinite(ps, 4, s.p50());
        setFinite(ps, 5, s.p95());
        setFinite(ps, 6, s.p99());
        ps.setLong(7, s.count());
        setFinite(ps, 8, s.ci().map(ci -> ci.low()).orElse(Double.NaN));
        setFinite(ps, 9, s.ci().map(ci -> ci.high()).orElse(Double.NaN));
        setFinite(ps, 10, s.ci().map(ci -> ci.level()).orElse(Double.NaN));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public Optional<Trial> trial(String id) {
    Objects.requireNonNull(id, "id");
    return withConnection("read trial " + id, con -> selectTrial(con, id, false));
  }

  @Override
  public List<Trial> trials(String campaignId) {
    Objects.requireNonNull(campaignId, "campaignId");
    return withConnection(
        "list the trials of campaign " + campaignId,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT "
                      + TRIAL_COLUMNS
                      + " FROM trials WHERE campaign_id = ? ORDER BY number")) {
            ps.setString(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
              List<Trial> out = new ArrayList<>();
              while (rs.next()) {
                out.add(Jdbc.trialAt(rs, "campaign_id"));
              }
              return out;
            }
          }
        });
  }

  private static Optional<Trial> selectTrial(Connection con, String id, boolean forUpdate)
      throws SQLException {
    try (PreparedStatement ps =
        con.prepareStatement(
            "SELECT "
                + TRIAL_COLUMNS
                + " FROM trials WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Jdbc.trialAt(rs, "campaign_id")) : Optional.empty();
      }
    }
  }

  // -------------------------------------------------------------------------------- deployments

  @Override
  public void recordDeployment(Deployment deployment) {
    Deployment d = normalized(deployment);
    withConnection(
        "record deployment " + d.id(),
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "INSERT INTO deployments ("
                      + DEPLOYMENT_COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, d.id());
            ps.setString(2, d.runtimeId());
            ps.setString(3, d.campaignId().orElse(null));
            ps.setString(4, WireFormat.toJson(WireFormat.writeConfiguration(d.before())));
            ps.setString(5, WireFormat.toJson(WireFormat.writeConfiguration(d.after())));
            ps.setString(6, d.cause());
            ps.setString(7, d.evidence());
            ps.setObject(8, timestamp(d.at()));
            ps.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw new IllegalStateException("deployment " + d.id() + " exists", e);
            }
            throw e;
          }
          return null;
        });
    changes.incrementAndGet();
  }

  @Override
  public OptionalLong changeCount() {
    return OptionalLong.of(changes.get());
  }

  @Override
  public List<Deployment> deployments(String runtimeId) {
    Objects.requireNonNull(runtimeId, "runtimeId");
    return withConnection(
        "list the deployments of runtime " + runtimeId,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT "
                      + DEPLOYMENT_COLUMNS
                      + " FROM deployments WHERE runtime_id = ? ORDER BY at DESC, id DESC")) {
            ps.setString(1, runtimeId);
            try (ResultSet rs = ps.executeQuery()) {
              List<Deployment> out = new ArrayList<>();
              while (rs.next()) {
                out.add(deploymentAt(rs));
              }
              return out;
            }
          }
        });
  }

  private static Deployment deploymentAt(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    try {
      return new Deployment(
          id,
          rs.getString("runtime_id"),
          Optional.ofNullable(rs.getString("campaign_id")),
          WireFormat.readConfiguration(WireFormat.parse(rs.getString("before_json"))),
          WireFormat.readConfiguration(WireFormat.parse(rs.getString("after_json"))),
          rs.getString("cause"),
          rs.getString("evidence"),
          instant(rs, "at").orElseThrow());
    } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
      throw unreadable("deployment " + id, e);
    }
  }

  // ------------------------------------------------------------------------------------- close

  /** Closes the store (and the pool it owns, if any); later calls throw. Idempotent. */
  @Override
  public void close() {
    db.close();
  }

  // ------------------------------------------------------------------- listings, in SQL

  /** Counted in SQL: a listing of many campaigns reads no trial. */
  @Override
  public Map<TrialStatus, Long> trialCounts(String campaignId) {
    Objects.requireNonNull(campaignId, "campaignId");
    return withConnection(
        "count the trials of campaign " + campaignId,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT status, COUNT(*) FROM trials WHERE campaign_id = ? GROUP BY status")) {
            ps.setString(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
              Map<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
              while (rs.next()) {
                counts.put(
                    TrialStatus.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)), rs.getLong(2));
              }
              return counts;
            }
          }
        });
  }

  /**
   * Reads only the numbers and objective values of the completed trials (the feasible ones), picks
   * the best with the objective's own comparison (so ties and NaN fall as in the runner), and then
   * reads that one trial.
   */
  @Override
  public Optional<Trial> bestTrial(String campaignId, Objective objective) {
    Objects.requireNonNull(campaignId, "campaignId");
    return withConnection(
        "find the best trial of campaign " + campaignId,
        con -> {
          int bestNumber = -1;
          double bestValue = Double.NaN;
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT number, objective_value FROM trials"
                      + " WHERE campaign_id = ? AND status = 'completed' ORDER BY number")) {
            ps.setString(1, campaignId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Double stored = rs.getObject(2, Double.class);
                double value = stored == null ? Double.NaN : stored;
                if (bestNumber < 0 || objective.better(value, bestValue)) {
                  bestNumber = rs.getInt(1);
                  bestValue = value;
                }
              }
            }
          }
          if (bestNumber < 0) {
            return Optional.<Trial>empty();
          }
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT "
                      + TRIAL_COLUMNS
                      + " FROM trials WHERE campaign_id = ? AND number = ?")) {
            ps.setString(1, campaignId);
            ps.setInt(2, bestNumber);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(Jdbc.trialAt(rs, "campaign_id"))
                  : Optional.<Trial>empty();
            }
          }
        });
  }

  /** One grouped query for every campaign. */
  @Override
  public Map<String, Map<TrialStatus, Long>> trialCounts(Collection<String> campaignIds) {
    Map<String, Map<TrialStatus, Long>> out = new HashMap<>();
    campaignIds.forEach(id -> out.put(id, new EnumMap<>(TrialStatus.class)));
    return withConnection(
        "count the trials of " + campaignIds.size() + " campaigns",
        con -> {
          try (PreparedStatement ps =
                  con.prepareStatement(
                      "SELECT campaign_id, status, COUNT(*) FROM trials"
                          + " GROUP BY campaign_id, status");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Map<TrialStatus, Long> counts = out.get(rs.getString(1));
              if (counts != null) {
                counts.put(
                    TrialStatus.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)), rs.getLong(3));
              }
            }
            return out;
          }
        });
  }

  /**
   * Two queries whatever the number of campaigns: the numbers and objective values of every
   * completed trial, and then the best ones by id.
   */
  @Override
  public Map<String, Trial> bestTrials(Map<String, Objective> objectiveByCampaign) {
    return withConnection(
        "find the best trials of " + objectiveByCampaign.size() + " campaigns",
        con -> {
          Map<String, String> bestId = new HashMap<>();
          Map<String, Double> bestValue = new HashMap<>();
          try (PreparedStatement ps =
                  con.prepareStatement(
                      "SELECT campaign_id, id, objective_value FROM trials"
                          + " WHERE status = 'completed' ORDER BY campaign_id, number");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String campaign = rs.getString(1);
              Objective objective = objectiveByCampaign.get(campaign);
              if (objective == null) {
                continue;
              }
              Double stored = rs.getObject(3, Double.class);
              double value = stored == null ? Double.NaN : stored;
              Double best = bestValue.get(campaign);
              if (best == null || objective.better(value, best)) {
                bestId.put(campaign, rs.getString(2));
                bestValue.put(campaign, value);
              }
            }
          }
          Map<String, Trial> out = new HashMap<>();
          List<String> ids = new ArrayList<>(bestId.values());
          for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps =
                con.prepareStatement(
                    "SELECT " + TRIAL_COLUMNS + " FROM trials WHERE id IN (" + marks + ")")) {
              for (int i = 0; i < chunk.size(); i++) {
                ps.setString(i + 1, chunk.get(i));
              }
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  Trial t = Jdbc.trialAt(rs, "campaign_id");
                  out.put(t.campaignId(), t);
                }
              }
            }
          }
          return out;
        });
  }

  /** One page in SQL, by the (campaign_id, number) unique index. */
  @Override
  public List<Trial> trialsPage(String campaignId, int limit, OptionalInt beforeNumber) {
    Objects.requireNonNull(campaignId, "campaignId");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    return withConnection(
        "list a page of the trials of campaign " + campaignId,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "SELECT "
                      + TRIAL_COLUMNS
                      + " FROM trials WHERE campaign_id = ? AND number < ?"
                      + " ORDER BY number DESC LIMIT ?")) {
            ps.setString(1, campaignId);
            ps.setInt(2, beforeNumber.orElse(Integer.MAX_VALUE));
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<Trial> out = new ArrayList<>();
              while (rs.next()) {
                out.add(Jdbc.trialAt(rs, "campaign_id"));
              }
              return out;
            }
          }
        });
  }

  // ----------------------------------------------------------------------------------- plumbing

  private <T> T withConnection(String what, Jdbc.Work<T> work) {
    return db.withConnection(what, work);
  }

  /** The database, for {@link H2Backup}. */
  Jdbc db() {
    return db;
  }

  private <T> T inTransaction(String what, Jdbc.Work<T> work) {
    return db.inTransaction(what, work);
  }

  private static Campaign normalized(Campaign c) {
    return new Campaign(
        c.id(),
        c.spec(),
        c.status(),
        c.startedBy(),
        micros(c.createdAt()),
        c.finishedAt().map(Jdbc::micros),
        c.bestTrialId(),
        c.message());
  }

  private static Deployment normalized(Deployment d) {
    return new Deployment(
        d.id(),
        d.runtimeId(),
        d.campaignId(),
        d.before(),
        d.after(),
        d.cause(),
        d.evidence(),
        micros(d.at()));
  }
}
