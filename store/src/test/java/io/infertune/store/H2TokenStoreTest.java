package io.infertune.store;

import io.infertune.tuner.access.TokenStore;
import io.infertune.tuner.testkit.TokenStoreContract;
import java.util.UUID;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;

/** The token store contract on H2, in a fresh in-memory database per test. */
class H2TokenStoreTest extends TokenStoreContract {
  private JdbcConnectionPool pool;

  @Override
  protected TokenStore createStore() {
    pool = JdbcConnectionPool.create("jdbc:h2:mem:tokens-" + UUID.randomUUID(), "sa", "");
    return new JdbcTokenStore(pool);
  }

  @AfterEach
  void disposePool() {
    pool.dispose();
  }
}
