package io.infertune.tuner.access;

import java.util.List;
import java.util.Optional;

/**
 * Where API tokens live (their hashes, never their secrets).
 *
 * @apiNote contract (checked by {@code TokenStoreContract} in tuner's test-jar): a name is taken
 *     once and so is a hash; a token reads back equal to what was written; {@link #revoke} of a
 *     name that does not exist changes nothing and returns {@code false}.
 * @implNote implementations are thread-safe.
 */
public interface TokenStore extends AutoCloseable {
  /**
   * Records a new token.
   *
   * @throws IllegalStateException when its name, or its hash, is taken
   */
  void create(ApiToken token);

  /** All tokens, oldest first (ties by name). */
  List<ApiToken> list();

  Optional<ApiToken> get(String name);

  /**
   * Removes a token: calls that present it are refused from then on.
   *
   * @return {@code false} when there was no such token
   */
  boolean revoke(String name);

  @Override
  void close();
}
