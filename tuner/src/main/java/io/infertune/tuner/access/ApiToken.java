package io.infertune.tuner.access;

import io.infertune.tuner.space.Names;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An API token as stored: its name, its role and the SHA-256 of its secret. The secret itself is
 * shown once, when the token is created, and kept nowhere.
 *
 * @param name how the operator refers to it ({@code token revoke NAME}) and who the audit log says
 *     made a call; a name as {@link Names#require} takes it
 * @param sha256 the SHA-256 of the secret's UTF-8 bytes, 64 lower-case hex digits
 * @param createdAt when it was created
 */
public record ApiToken(String name, Role role, String sha256, Instant createdAt) {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public ApiToken {
    Names.require("token", name);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(sha256, "sha256");
    if (!SHA256_HEX.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The hash as bytes (32), for a constant-time comparison. */
  public byte[] hashBytes() {
    return HexFormat.of().parseHex(sha256);
  }
}
