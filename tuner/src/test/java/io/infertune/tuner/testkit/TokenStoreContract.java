package io.infertune.tuner.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.Role;
import io.infertune.tuner.access.TokenStore;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link TokenStore} contract. Every token store's test extends this class.
 *
 * <p>Instants here are whole microseconds, the finest precision every store keeps.
 */
public abstract class TokenStoreContract {
  protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  protected TokenStore store;

  /** A fresh, empty store. */
  protected abstract TokenStore createStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** A token whose hash is {@code digit} repeated. */
  public static ApiToken token(String name, Role role, char digit, Instant createdAt) {
    return new ApiToken(name, role, String.valueOf(digit).repeat(64), createdAt);
  }

  @Test
  void aTokenReadsBackEqual() {
    ApiToken t = token("ci-bot", Role.OPERATOR, 'a', T0);
    store.create(t);
    assertThat(store.get("ci-bot")).contains(t);
    assertThat(store.list()).containsExactly(t);
    assertThat(store.get("nope")).isEmpty();
  }

  @Test
  void listIsOldestFirstThenByName() {
    ApiToken late = token("a-late", Role.VIEWER, '1', T0.plusSeconds(60));
    ApiToken b = token("b", Role.OPERATOR, '2', T0);
    ApiToken a = token("a", Role.VIEWER, '3', T0);
    store.create(late);
    store.create(b);
    store.create(a);
    assertThat(store.list()).containsExactly(a, b, late);
  }

  @Test
  void aNameIsTakenOnce() {
    store.create(token("t", Role.VIEWER, 'a', T0));
    assertThatThrownBy(() -> store.create(token("t", Role.OPERATOR, 'b', T0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("t");
    assertThat(store.list()).containsExactly(token("t", Role.VIEWER, 'a', T0));
  }

  @Test
  void aHashIsTakenOnce() {
    store.create(token("t", Role.VIEWER, 'a', T0));
    assertThatThrownBy(() -> store.create(token("u", Role.OPERATOR, 'a', T0)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.list()).hasSize(1);
  }

  @Test
  void revokeRemovesOnlyThatToken() {
    store.create(token("t", Role.VIEWER, 'a', T0));
    store.create(token("u", Role.OPERATOR, 'b', T0));
    assertThat(store.revoke("t")).isTrue();
    assertThat(store.revoke("t")).isFalse();
    assertThat(store.revoke("never")).isFalse();
    assertThat(store.list()).containsExactly(token("u", Role.OPERATOR, 'b', T0));
    // A revoked name may be used again.
    store.create(token("t", Role.OPERATOR, 'c', T0));
    assertThat(store.get("t")).contains(token("t", Role.OPERATOR, 'c', T0));
  }
}
