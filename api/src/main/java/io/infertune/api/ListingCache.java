package io.infertune.api;

import io.infertune.tuner.measure.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * The JSON bodies of the listings read most while campaigns run (the campaign listing and trial
 * pages), kept while nothing they show can have changed.
 *
 * <p>Each body is kept with the <em>version</em> of the data it was built from: the store's {@link
 * io.infertune.tuner.store.TrialStore#changeCount change count} and the set of active campaigns. A
 * body is served again only while the version is the same and it is younger than {@code maxAge}:
 * what this process writes shows at once, and what other processes write to a shared database
 * (PostgreSQL) shows within {@code maxAge}. The version is read before the body is built, so a
 * write racing with a build leaves a body tagged with the older version, which the next read
 * rebuilds.
 *
 * <p>Each body has a strong ETag (CRC-32C and length of its UTF-8 bytes): a client that sends it
 * back in {@code If-None-Match} gets 304 with no body.
 *
 * @implNote thread-safe (one lock around the map; bodies are built outside it, so two readers that
 *     miss at once both build, and the later one's body is kept). Least recently used bodies are
 *     dropped beyond {@code maxChars} characters in all.
 */
final class ListingCache {
  /** A body and its ETag (with its quotes). */
  record Body(String json, String etag) {
    Body {
      Objects.requireNonNull(json, "json");
      Objects.requireNonNull(etag, "etag");
    }

    static Body of(String json) {
      byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
      CRC32C crc = new CRC32C();
      crc.update(utf8);
      return new Body(
          json,
          "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(utf8.length) + "\"");
    }
  }

  private record Entry(Object version, Body body, long builtAtNanos) {}

  private final Supplier<Optional<Object>> version;
  private final Ticker ticker;
  private final long maxAgeNanos;
  private final long maxChars;
  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long chars;
  private long hits;
  private long misses;

  /**
   * @param version the version of the data the bodies are built from; empty when it cannot be told
   *     (then nothing is kept)
   * @param maxAge how long a body may be served without a change of version being seen
   * @param maxChars the most characters kept, all bodies together
   */
  ListingCache(Supplier<Optional<Object>> version, Ticker ticker, Duration maxAge, long maxChars) {
    this.version = Objects.requireNonNull(version, "version");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    if (maxAge.isNegative() || maxChars < 0) {
      throw new IllegalArgumentException("maxAge and maxChars must be >= 0");
    }
    this.maxAgeNanos = maxAge.toNanos();
    this.maxChars = maxChars;
  }

  /** The body kept for {@code key}, if the data it shows has not changed since it was built. */
  Optional<Body> get(String key) {
    Optional<Object> now = version.get();
    synchronized (this) {
      Entry e = entries.get(key);
      if (e != null
          && now.isPresent()
          && e.version().equals(now.get())
          && ticker.nanos() - e.builtAtNanos() < maxAgeNanos) {
        hits++;
        return Optional.of(e.body());
      }
      misses++;
      return Optional.empty();
    }
  }

  /**
   * The body kept for {@code key}, or the one {@code build} makes, then kept.
   *
   * @throws RuntimeException whatever {@code build} throws (nothing is kept then)
   */
  Body get(String key, Supplier<String> build) {
    Optional<Body> kept = get(key);
    if (kept.isPresent()) {
      return kept.get();
    }
    // Read before the build: a write during the build makes this body's version stale at once.
    Optional<Object> before = version.get();
    long builtAt = ticker.nanos();
    Body body = Body.of(build.get());
    before.ifPresent(v -> put(key, new Entry(v, body, builtAt)));
    return body;
  }

  private synchronized void put(String key, Entry entry) {
    if (entry.body().json().length() > maxChars) {
      return;
    }
    Entry old = entries.put(key, entry);
    if (old != null) {
      chars -= old.body().json().length();
    }
    chars += entry.body().json().length();
    Iterator<Entry> eldest = entries.values().iterator();
    while (chars > maxChars && eldest.hasNext()) {
      chars -= eldest.next().body().json().length();
      eldest.remove();
    }
  }

  /** Reads answered from a kept body, and reads that were not. */
  synchronized long[] hitsAndMisses() {
    return new long[] {hits, misses};
  }

  /** Characters kept, all bodies together. */
  synchronized long chars() {
    return chars;
  }
}
