package io.infertune.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What a database holds, read with plain SQL, for tests that look past a store. */
final class Rows {
  private Rows() {}

  /** The rows of a query, columns joined by '|', reals as Java prints doubles. */
  static List<String> of(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          Object v = rs.getObject(i);
          row.append(i > 1 ? "|" : "")
              .append(
                  v instanceof Double || v instanceof Float
                      ? Double.toString(((Number) v).doubleValue())
                      : String.valueOf(v));
        }
        out.add(row.toString());
      }
      return out;
    }
  }

  /** Flyway's record of the versions applied, in order: "version|description|success". */
  static final String MIGRATIONS =
      "SELECT \"version\", \"description\", \"success\" FROM \"flyway_schema_history\""
          + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"";
}
