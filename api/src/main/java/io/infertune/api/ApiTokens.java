package io.infertune.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The secrets of API tokens: how they are made and how they are hashed for storage.
 *
 * <p>A secret is {@value #PREFIX} followed by 256 random bits from {@link SecureRandom}, base64url
 * without padding (47 characters in all). It is stored as its SHA-256 only. A plain, unsalted hash
 * is the right tool for a secret of this entropy: salts and slow hashes (bcrypt, Argon2) defend
 * low-entropy passwords against guessing, and nobody can enumerate 2^256 secrets; a fast hash also
 * keeps the check of every request cheap. The prefix lets secret scanners recognise a leaked one.
 *
 * @implNote stateless and thread-safe.
 */
final class ApiTokens {
  /** What every secret starts with. */
  static final String PREFIX = "itk_";

  private static final int SECRET_BYTES = 32;

  private ApiTokens() {}

  /** A new secret. */
  static String newSecret(SecureRandom random) {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The SHA-256 of the secret's UTF-8 bytes. */
  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException(e);
    }
  }

  /** The SHA-256 of the secret as 64 lower-case hex digits, as the token store keeps it. */
  static String sha256Hex(String secret) {
    return HexFormat.of().formatHex(sha256(secret));
  }
}
