package io.infertune.runtime.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultCacheTest {
  private static final ResultCache.Entry ENTRY = new ResultCache.Entry(new float[] {1}, 3);

  @Test
  void evictsTheLeastRecentlyUsedBeyondItsCapacity() {
    ResultCache cache = new ResultCache(2);
    cache.put("a", ENTRY);
    cache.put("b", ENTRY);
    assertThat(cache.get("a")).isPresent();
    cache.put("c", ENTRY);
    assertThat(cache.keysInAccessOrder()).containsExactly("a", "c");
    assertThat(cache.get("b")).isEmpty();
  }

  @Test
  void shrinkingEvictsAndZeroTurnsItOff() {
    ResultCache cache = new ResultCache(3);
    cache.put("a", ENTRY);
    cache.put("b", ENTRY);
    cache.put("c", ENTRY);
    cache.setCapacity(1);
    assertThat(cache.keysInAccessOrder()).containsExactly("c");
    cache.setCapacity(0);
    assertThat(cache.size()).isZero();
    cache.put("d", ENTRY);
    assertThat(cache.get("d")).isEmpty();
  }
}
