package io.infertune.tuner.study;

import io.infertune.tuner.space.Names;
import java.time.Instant;
import java.util.Objects;

/**
 * A study as stored: its spec, an id and when it was created. Its trials are stored as {@link
 * io.infertune.tuner.trial.Trial}s whose {@code campaignId} is the study's id.
 */
public record Study(String id, StudySpec spec, Instant createdAt) {
  public Study {
    Names.requireId("study id", id);
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
