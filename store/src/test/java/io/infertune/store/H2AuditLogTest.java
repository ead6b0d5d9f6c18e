package io.infertune.store;

import io.infertune.tuner.access.AuditLog;
import io.infertune.tuner.testkit.AuditLogContract;
import java.util.UUID;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;

/** The audit log contract on H2, in a fresh in-memory database per test. */
class H2AuditLogTest extends AuditLogContract {
  private JdbcConnectionPool pool;

  @Override
  protected AuditLog createLog() {
    pool = JdbcConnectionPool.create("jdbc:h2:mem:audit-" + UUID.randomUUID(), "sa", "");
    return new JdbcAuditLog(pool);
  }

  @AfterEach
  void disposePool() {
    pool.dispose();
  }
}
