package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 3: trials may be {@code pruned} (stopped early, kept with their partial measurement).
 *
 * <p>Version 1 declared the status check without a name, so each database named it itself
 * (PostgreSQL {@code trials_status_check}, H2 {@code CONSTRAINT_<n>}), and no one SQL statement can
 * drop it on both. This migration finds it in the standard {@code information_schema} (which H2 2.x
 * and PostgreSQL both have) by what it checks, drops it by the name found, and adds the widened
 * check under a name of ours, {@code trials_status_check}, so that a later change can drop it in
 * plain SQL. It runs in Flyway's transaction: on both databases a failure leaves nothing changed.
 * Flyway finds it because it lives in {@code db/migration} beside the SQL migrations.
 *
 * <p>The study trials' table (version 2) keeps its check: studies report outcomes and have no
 * pruning.
 */
public class V3__PrunedTrialStatus extends BaseJavaMigration {
  /** Every trial status, as the store writes it (lower-case wire names). */
  static final String STATUSES =
      "'running', 'completed', 'infeasible', 'pruned', 'failed', 'aborted'";

  @Override
  public void migrate(Context context) throws SQLException {
    Connection con = context.getConnection();
    List<String> old = statusChecks(con);
    try (Statement s = con.createStatement()) {
      for (String name : old) {
        s.execute("ALTER TABLE trials DROP CONSTRAINT " + quoted(name));
      }
      s.execute(
          "ALTER TABLE trials ADD CONSTRAINT trials_status_check CHECK (status IN ("
              + STATUSES
              + "))");
    }
  }

  /**
   * The names of the check constraints on {@code trials} that restrict {@code status} to a list of
   * words (recognised by the word {@code 'infeasible'} in the clause: the number check and
   * PostgreSQL's NOT NULL checks do not have it).
   */
  static List<String> statusChecks(Connection con) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps =
        con.prepareStatement(
            "SELECT tc.constraint_name, cc.check_clause"
                + " FROM information_schema.table_constraints tc"
                + " JOIN information_schema.check_constraints cc"
                + " ON cc.constraint_schema = tc.constraint_schema"
                + " AND cc.constraint_name = tc.constraint_name"
                + " WHERE tc.constraint_type = 'CHECK' AND LOWER(tc.table_name) = 'trials'"
                + " AND tc.table_schema = ?")) {
      ps.setString(1, con.getSchema());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String clause = rs.getString(2).toLowerCase(Locale.ROOT);
          if (clause.contains("status") && clause.contains("'infeasible'")) {
            names.add(rs.getString(1));
          }
        }
      }
    }
    return names;
  }

  private static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
