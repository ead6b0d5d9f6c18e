package io.infertune.store;

import io.infertune.tuner.schedule.ScheduleStore;
import io.infertune.tuner.store.TrialStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** The schedule store contracts on an H2 file database, in a fresh data directory per test. */
class H2ScheduleStoreTest extends JdbcScheduleStoreContract {
  @TempDir Path dataDir;

  @Override
  protected ScheduleStore createStore() {
    return TrialStores.openSchedulesH2(dataDir);
  }

  @Override
  protected void reopenStore() {
    store.close();
    store = TrialStores.openSchedulesH2(dataDir);
  }

  @Override
  protected TrialStore openTrialStore() {
    return TrialStores.openH2(dataDir);
  }

  /** The same URL as the store's, so the same embedded database. */
  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().normalize().resolve(TrialStores.H2_FILE_NAME)
            + TrialStores.H2_FILE_SETTINGS,
        "sa",
        "");
  }
}
