package io.infertune.runtime.embedded;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * A least-recently-used cache of embeddings by input text, holding at most {@code capacity}
 * entries; capacity 0 turns it off.
 *
 * @implNote thread-safe (one lock: lookups are sub-microsecond next to inference).
 */
final class ResultCache {
  /** A cached answer: the embedding and the number of input tokens it took. */
  record Entry(float[] embedding, int tokens) {}

  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private int capacity;

  ResultCache(int capacity) {
    setCapacity(capacity);
  }

  synchronized Optional<Entry> get(String input) {
    return capacity == 0 ? Optional.empty() : Optional.ofNullable(entries.get(input));
  }

  synchronized void put(String input, Entry entry) {
    if (capacity == 0) {
      return;
    }
    entries.put(input, entry);
    evictBeyondCapacity();
  }

  /** Changes the capacity, evicting the least recently used entries beyond it. */
  synchronized void setCapacity(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
    }
    this.capacity = capacity;
    evictBeyondCapacity();
  }

  synchronized int capacity() {
    return capacity;
  }

  synchronized int size() {
    return entries.size();
  }

  private void evictBeyondCapacity() {
    var it = entries.entrySet().iterator();
    while (entries.size() > capacity && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /** For tests: the inputs from least to most recently used. */
  synchronized List<String> keysInAccessOrder() {
    return List.copyOf(entries.keySet());
  }
}
