package io.infertune.tuner.trial;

import io.infertune.tuner.space.Configuration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A configuration pushed to a runtime, with what it replaced and why.
 *
 * @param cause who or what pushed it, e.g. {@code campaign:<id>} or {@code operator}
 * @param evidence the numbers that justified it, for people
 */
public record Deployment(
    String id,
    String runtimeId,
    Optional<String> campaignId,
    Configuration before,
    Configuration after,
    String cause,
    String evidence,
    Instant at) {
  public Deployment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(runtimeId, "runtimeId");
    Objects.requireNonNull(campaignId, "campaignId");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(at, "at");
  }
}
