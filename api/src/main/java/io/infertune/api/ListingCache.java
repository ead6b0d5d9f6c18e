package io.infertune.api;

import io.infertune.tuner.measure.Ticker;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
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
 * @implNote thread-safe (one lock around the map; bodies are built outside it, one build per key
 *     and version at a time). Least recently used bodies are dropped beyond {@code maxBytes} bytes
 *     in all.
 */
final class ListingCache {
  /**
   * A body, its UTF-8 bytes as sent, and its ETag (with its quotes). The bytes are encoded once:
   * Vert.x writes a slice of a buffer, never the buffer itself, so one buffer serves every answer.
   */
  record Body(Buffer bytes, String etag) {
    Body {
      Objects.requireNonNull(bytes, "bytes");
      Objects.requireNonNull(etag, "etag");
    }

    /** The body as text. */
    String json() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    static Body of(String json) {
      byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
      CRC32C crc = new CRC32C();
      crc.update(utf8);
      return new Body(
          Buffer.buffer(utf8),
          "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(utf8.length) + "\"");
    }
  }

  private record Entry(Object version, Body body, long builtAtNanos) {}

  /** A build under way, for readers that miss meanwhile. */
  private record Building(Object version, CompletableFuture<Body> body) {}

  private final Supplier<Optional<Object>> version;
  private final Ticker ticker;
  private final long maxAgeNanos;
  private final long maxBytes;
  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Building> building = new ConcurrentHashMap<>();
  private long bytes;
  private long hits;
  private long misses;

  /**
   * @param version the version of the data the bodies are built from; empty when it cannot be told
   *     (then nothing is kept)
   * @param maxAge how long a body may be served without a change of version being seen
   * @param maxBytes the most bytes kept, all bodies together
   */
  ListingCache(Supplier<Optional<Object>> version, Ticker ticker, Duration maxAge, long maxBytes) {
    this.version = Objects.requireNonNull(version, "version");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    if (maxAge.isNegative() || maxBytes < 0) {
      throw new IllegalArgumentException("maxAge and maxBytes must be >= 0");
    }
    this.maxAgeNanos = maxAge.toNanos();
    this.maxBytes = maxBytes;
  }

  /** The body kept for {@code key}, if the data it shows has not changed since it was built. */
  Optional<Body> get(String key) {
    Optional<Body> kept = lookup(key);
    synchronized (this) {
      if (kept.isPresent()) {
        hits++;
      } else {
        misses++;
      }
    }
    return kept;
  }

  /** The body kept for {@code key} if it is still good, without counting the read. */
  private Optional<Body> lookup(String key) {
    Optional<Object> now = version.get();
    synchronized (this) {
      Entry e = entries.get(key);
      if (e != null
          && now.isPresent()
          && e.version().equals(now.get())
          && ticker.nanos() - e.builtAtNanos() < maxAgeNanos) {
        return Optional.of(e.body());
      }
      return Optional.empty();
    }
  }

  /**
   * The body kept for {@code key}, or the one {@code build} makes, then kept. Readers that miss
   * while another builds the same key at the same version wait for that build instead of building
   * too: when a trial ends, every poller misses at once.
   *
   * @throws RuntimeException whatever {@code build} throws (nothing is kept then; readers that
   *     waited for it get the same)
   */
  Body get(String key, Supplier<String> build) {
    Optional<Body> kept = get(key);
    return kept.isPresent() ? kept.get() : build(key, build);
  }

  /**
   * After a {@link #get(String)} that missed (and was counted): the body another reader has kept
   * meanwhile, or the one {@code build} makes, as {@link #get(String, Supplier)} says.
   */
  Body build(String key, Supplier<String> build) {
    Optional<Body> kept = lookup(key);
    if (kept.isPresent()) {
      return kept.get();
    }
    // Read before the build: a write during the build makes this body's version stale at once.
    Optional<Object> before = version.get();
    if (before.isEmpty()) {
      return Body.of(build.get());
    }
    Building mine = new Building(before.get(), new CompletableFuture<>());
    Building other = building.putIfAbsent(key, mine);
    if (other != null) {
      if (other.version().equals(before.get())) {
        return await(other.body());
      }
      // A build for another version is under way: this one is not shared.
      return Body.of(build.get());
    }
    try {
      long builtAt = ticker.nanos();
      Body body = Body.of(build.get());
      put(key, new Entry(before.get(), body, builtAt));
      mine.body().complete(body);
      return body;
    } catch (RuntimeException e) {
      mine.body().completeExceptionally(e);
      throw e;
    } finally {
      building.remove(key, mine);
    }
  }

  private static Body await(CompletableFuture<Body> body) {
    try {
      return body.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private synchronized void put(String key, Entry entry) {
    if (entry.body().bytes().length() > maxBytes) {
      return;
    }
    Entry old = entries.put(key, entry);
    if (old != null) {
      bytes -= old.body().bytes().length();
    }
    bytes += entry.body().bytes().length();
    Iterator<Entry> eldest = entries.values().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().body().bytes().length();
      eldest.remove();
    }
  }

  /** Reads answered from a kept body, and reads that were not. */
  synchronized long[] hitsAndMisses() {
    return new long[] {hits, misses};
  }

  /** Bytes kept, all bodies together. */
  synchronized long bytes() {
    return bytes;
  }
}
