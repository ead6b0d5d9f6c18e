package io.infertune.store;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.ConnectionPoolDataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Opens {@link JdbcTrialStore}s, {@link JdbcStudyStore}s and {@link JdbcScheduleStore}s, each with
 * a connection pool that the store owns and closes.
 *
 * <p>A trial store and a study store may be open on one database at once (the service keeps
 * campaigns and studies in one H2 file): each has its pool, the schema is migrated by whichever
 * opens first (migrations of one process run one at a time, and Flyway locks the database against
 * other processes), and in one process H2 shares the embedded file database between the pools.
 *
 * @implNote stateless and thread-safe.
 */
public final class TrialStores {
  /** The file name (without H2's {@code .mv.db}) of the database in a data directory. */
  public static final String H2_FILE_NAME = "infertune";

  /**
   * Settings of the service's own H2 file database. {@code WRITE_DELAY=0}: a commit is written to
   * the file when it returns (H2's default lets the last half second of commits wait in memory,
   * lost if the process dies). {@code DB_CLOSE_ON_EXIT=FALSE}: H2's own shutdown hook must not
   * close the database under a service that is still saving trials while it shuts down; the store
   * closes it. {@code LOCK_TIMEOUT}: concurrent saves wait for a row lock rather than fail after
   * H2's default of one second.
   */
  static final String H2_FILE_SETTINGS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";

  private static final int MAX_CONNECTIONS = 10;
  private static final int CONNECTION_WAIT_SECONDS = 30;

  private TrialStores() {}

  /**
   * The store in the H2 file database {@code <dataDir>/infertune.mv.db}, created (with the
   * directory) on first use and migrated to this version's schema.
   *
   * @throws StoreException when the database cannot be opened (e.g. another process holds it) or
   *     migrated
   */
  public static JdbcTrialStore openH2(Path dataDir) {
    return open(h2Url(dataDir), "sa", "");
  }

  /**
   * The study store in the H2 file database {@code <dataDir>/infertune.mv.db}: the same database as
   * {@link #openH2}'s, which may be open at the same time.
   *
   * @throws StoreException when the database cannot be opened or migrated
   */
  public static JdbcStudyStore openStudiesH2(Path dataDir) {
    return openStudies(h2Url(dataDir), "sa", "");
  }

  /**
   * The schedule store in the H2 file database {@code <dataDir>/infertune.mv.db}: the same database
   * as {@link #openH2}'s, which may be open at the same time.
   *
   * @throws StoreException when the database cannot be opened or migrated
   */
  public static JdbcScheduleStore openSchedulesH2(Path dataDir) {
    return openSchedules(h2Url(dataDir), "sa", "");
  }

  /**
   * The service's stores in the H2 file database {@code <dataDir>/infertune.mv.db}, over one pool,
   * migrated once.
   *
   * @throws StoreException when the database cannot be opened or migrated
   */
  public static Stores openAllH2(Path dataDir) {
    return openAll(h2Url(dataDir), "sa", "");
  }

  /**
   * The service's stores in the database at {@code jdbcUrl} (H2 or PostgreSQL, as {@link #open}
   * takes), over one pool, migrated once.
   *
   * @throws IllegalArgumentException when the URL is of another database
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static Stores openAll(String jdbcUrl, String user, String password) {
    return withPool(
        jdbcUrl,
        user,
        password,
        pool -> {
          Jdbc.migrate(pool);
          return new Stores(
              new JdbcTrialStore(pool, () -> {}, false),
              new JdbcStudyStore(pool, () -> {}, false),
              new JdbcScheduleStore(pool, () -> {}, false),
              new JdbcTokenStore(pool, () -> {}, false),
              new JdbcAuditLog(pool, () -> {}, false),
              pool::dispose);
        });
  }

  /** The URL of the H2 file database in {@code dataDir}, which is created if need be. */
  static String h2Url(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    Path dir = dataDir.toAbsolutePath().normalize();
    if (dir.toString().contains(";")) {
      // H2 reads ';' in a URL as the start of its settings.
      throw new IllegalArgumentException("the data directory's path must not contain ';': " + dir);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("cannot create the data directory " + dir + ": " + e, e);
    }
    return "jdbc:h2:file:" + dir.resolve(H2_FILE_NAME) + H2_FILE_SETTINGS;
  }

  /**
   * The store in the database at {@code jdbcUrl}: H2 ({@code jdbc:h2:...}) or PostgreSQL ({@code
   * jdbc:postgresql://host/db}), migrated to this version's schema. Several service instances may
   * share one PostgreSQL database.
   *
   * @throws IllegalArgumentException when the URL is of another database
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static JdbcTrialStore open(String jdbcUrl, String user, String password) {
    return withPool(jdbcUrl, user, password, pool -> new JdbcTrialStore(pool, pool::dispose));
  }

  /**
   * The study store in the database at {@code jdbcUrl}, as {@link #open} opens the trial store;
   * both may be open on one database at once.
   *
   * @throws IllegalArgumentException when the URL is of another database
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static JdbcStudyStore openStudies(String jdbcUrl, String user, String password) {
    return withPool(jdbcUrl, user, password, pool -> new JdbcStudyStore(pool, pool::dispose));
  }

  /**
   * The schedule store in the database at {@code jdbcUrl}, as {@link #open} opens the trial store;
   * it may be open beside the trial and study stores on one database.
   *
   * @throws IllegalArgumentException when the URL is of another database
   * @throws StoreException when the database cannot be reached or migrated
   */
  public static JdbcScheduleStore openSchedules(String jdbcUrl, String user, String password) {
    return withPool(jdbcUrl, user, password, pool -> new JdbcScheduleStore(pool, pool::dispose));
  }

  /** A store made over a new pool, which is disposed of when making the store fails. */
  private static <S> S withPool(
      String jdbcUrl, String user, String password, Function<JdbcConnectionPool, S> store) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    JdbcConnectionPool pool;
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      pool = JdbcConnectionPool.create(jdbcUrl, user, password);
    } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      pool = JdbcConnectionPool.create(postgres(jdbcUrl, user, password));
    } else {
      // Not the URL itself: it may carry a password.
      throw new IllegalArgumentException(
          "unsupported JDBC URL: use jdbc:h2:... or jdbc:postgresql://...");
    }
    pool.setMaxConnections(MAX_CONNECTIONS);
    pool.setLoginTimeout(CONNECTION_WAIT_SECONDS);
    try {
      return store.apply(pool);
    } catch (RuntimeException e) {
      pool.dispose();
      throw e;
    }
  }

  /**
   * PostgreSQL's pooled-connection source, made by reflection: the driver is a run-time dependency
   * only, so that nothing here compiles against it.
   */
  private static ConnectionPoolDataSource postgres(String url, String user, String password) {
    try {
      Class<?> type = Class.forName("org.postgresql.ds.PGConnectionPoolDataSource");
      Object source = type.getConstructor().newInstance();
      type.getMethod("setURL", String.class).invoke(source, url);
      type.getMethod("setUser", String.class).invoke(source, user);
      type.getMethod("setPassword", String.class).invoke(source, password);
      return (ConnectionPoolDataSource) source;
    } catch (ClassNotFoundException e) {
      throw new StoreException(
          "the PostgreSQL driver (org.postgresql:postgresql) is not on the class path", e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          "invalid PostgreSQL URL: " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new StoreException("cannot set up the PostgreSQL driver: " + e, e);
    }
  }
}
