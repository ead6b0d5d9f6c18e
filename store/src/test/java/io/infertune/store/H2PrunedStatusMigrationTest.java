package io.infertune.store;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Migration 3 on H2, in a private in-memory database. */
class H2PrunedStatusMigrationTest extends PrunedStatusMigrationContract {
  @Override
  protected DataSource emptyDatabase() {
    JdbcDataSource ds = new JdbcDataSource();
    // DB_CLOSE_DELAY=-1: the database outlives each connection, as a file database would.
    ds.setURL("jdbc:h2:mem:v3-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    return ds;
  }
}
