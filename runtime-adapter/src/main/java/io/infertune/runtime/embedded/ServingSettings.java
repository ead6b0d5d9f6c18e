package io.infertune.runtime.embedded;

import io.infertune.tuner.space.Configuration;
import java.time.Duration;
import java.util.Objects;

/**
 * A complete, validated configuration of the embedded runtime, in typed form.
 *
 * @param batchSize the most requests one inference takes
 * @param batchTimeout how long a worker waits for a batch to fill after taking its first request
 * @param cacheEntries capacity of the result cache (0: off)
 * @param replicas sessions serving in parallel, one worker thread each
 * @param session threads and spinning of each session
 */
record ServingSettings(
    int batchSize,
    Duration batchTimeout,
    ModelVariant variant,
    int cacheEntries,
    int replicas,
    SessionSettings session) {

  ServingSettings {
    Objects.requireNonNull(batchTimeout, "batchTimeout");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(session, "session");
    if (batchSize < 1 || batchTimeout.isNegative() || cacheEntries < 0 || replicas < 1) {
      throw new IllegalArgumentException(
          "invalid settings: batch "
              + batchSize
              + ", timeout "
              + batchTimeout
              + ", cache "
              + cacheEntries
              + ", replicas "
              + replicas);
    }
  }

  /** The settings of a configuration that {@link EmbeddedRuntime#knobs()} has validated. */
  static ServingSettings of(Configuration c) {
    return new ServingSettings(
        Math.toIntExact(c.getLong(EmbeddedRuntime.BATCH_SIZE)),
        Duration.ofMillis(c.getLong(EmbeddedRuntime.BATCH_TIMEOUT_MS)),
        ModelVariant.fromKnobValue(c.getString(EmbeddedRuntime.QUANTIZATION)),
        Math.toIntExact(c.getLong(EmbeddedRuntime.CACHE_ENTRIES)),
        Math.toIntExact(c.getLong(EmbeddedRuntime.REPLICAS)),
        new SessionSettings(
            Math.toIntExact(c.getLong(EmbeddedRuntime.INTRA_OP_THREADS)),
            c.getString(EmbeddedRuntime.THREAD_SPINNING).equals("on")));
  }

  /** Whether a session built for {@code other} can serve these settings too. */
  boolean sameSessionsAs(ServingSettings other) {
    return variant == other.variant && session.equals(other.session);
  }
}
