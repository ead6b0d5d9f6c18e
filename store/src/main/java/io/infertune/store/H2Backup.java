package io.infertune.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * Backups of the service's H2 database as SQL text (H2's {@code SCRIPT}: the schema, Flyway's
 * history and every row), and their restore into a fresh data directory.
 *
 * <p>A backup is consistent: it is written inside one transaction at SNAPSHOT isolation, so that it
 * holds the database as of one instant even while campaigns save trials. It starts with {@link
 * #HEADER} and ends with {@link #TRAILER}, so that a restore refuses a file that is not a backup or
 * was cut short. A restore runs the script into a new database in an empty data directory; when it
 * fails the half-made database is deleted, so it is all or nothing. The restored database carries
 * the schema version of its backup; the service migrates it when it opens it.
 *
 * @implNote stateless and thread-safe.
 */
public final class H2Backup {
  /** The first line of a backup. */
  public static final String HEADER = "-- infertune backup v1 (H2 SCRIPT)";

  /** The last line of a backup: a file without it was cut short. */
  public static final String TRAILER = "-- infertune backup end";

  private H2Backup() {}

  /**
   * Writes a backup of the database of {@code store} to {@code out} (which it does not close).
   *
   * @throws StoreException when the database cannot be read or the writer fails
   */
  public static void write(JdbcTrialStore store, Writer out) {
    store
        .db()
        .withConnection(
            "write a backup",
            con -> {
              try (Statement st = con.createStatement()) {
                // One snapshot of the whole database, not table by table: a trial saved while the
                // backup runs is in it entirely or not at all.
                st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
                con.setAutoCommit(false);
                try {
                  out.write(HEADER + " " + Instant.now() + "\n");
                  try (ResultSet rs = st.executeQuery("SCRIPT")) {
                    while (rs.next()) {
                      out.write(rs.getString(1));
                      out.write("\n");
                    }
                  }
                  out.write(TRAILER + "\n");
                  out.flush();
                } catch (IOException e) {
                  throw new StoreException("cannot write the backup: " + e.getMessage(), e);
                } finally {
                  // Read only: nothing to keep. The pooled connection goes back as it came.
                  con.rollback();
                  con.setAutoCommit(true);
                  st.execute(
                      "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
                }
              }
              return null;
            });
  }

  /**
   * Restores {@code backup} into a new database in {@code dataDir}, which must not have one; then
   * opens it as the service does (migrating it to this version's schema) to check it.
   *
   * @return the number of campaigns restored
   * @throws IllegalArgumentException when {@code backup} is not a whole backup, or {@code dataDir}
   *     already holds a database
   * @throws StoreException when the backup cannot be read or run
   */
  public static int restore(Path backup, Path dataDir) {
    checkWhole(backup);
    Path dir = dataDir.toAbsolutePath().normalize();
    Path dbFile = dir.resolve(TrialStores.H2_FILE_NAME + ".mv.db");
    if (Files.exists(dbFile)) {
      throw new IllegalArgumentException(
          dbFile + " exists: restore into a fresh data directory (or move the database away)");
    }
    String url = TrialStores.h2Url(dir);
    try (Connection con = DriverManager.getConnection(url, "sa", "");
        Statement st = con.createStatement()) {
      // RUNSCRIPT is not all or nothing by itself (its DDL commits as it goes): a failure
      // part-way leaves a half database, which the catch below deletes.
      st.execute(
          "RUNSCRIPT FROM '"
              + backup.toAbsolutePath().toString().replace("'", "''")
              + "' CHARSET 'UTF-8'");
    } catch (SQLException e) {
      deleteDatabase(dir);
      throw new StoreException("cannot restore " + backup + ": " + e.getMessage(), e);
    }
    try (Stores stores = TrialStores.openAllH2(dir)) {
      return stores.trials().campaigns().size();
    } catch (RuntimeException e) {
      deleteDatabase(dir);
      throw e;
    }
  }

  private static void checkWhole(Path backup) {
    String first;
    String last = null;
    try (BufferedReader r = Files.newBufferedReader(backup, StandardCharsets.UTF_8)) {
      first = r.readLine();
      for (String line = first; line != null; line = r.readLine()) {
        last = line;
      }
    } catch (IOException e) {
      throw new StoreException("cannot read " + backup + ": " + e.getMessage(), e);
    }
    if (first == null || !first.startsWith(HEADER)) {
      throw new IllegalArgumentException(
          backup + " is not an Infertune backup (it does not start with '" + HEADER + "')");
    }
    if (!TRAILER.equals(last)) {
      throw new IllegalArgumentException(
          backup + " was cut short (it does not end with '" + TRAILER + "'); nothing restored");
    }
  }

  /** Deletes the database files (infertune.mv.db, its trace and temp files) of {@code dir}. */
  private static void deleteDatabase(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith(TrialStores.H2_FILE_NAME + ".")) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot delete the half-restored database in " + dir, e);
    }
  }
}
