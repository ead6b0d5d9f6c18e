package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SizedPromptsTest {
  private final SizedPrompts prompts = SizedPrompts.standard(7);

  private static int words(String s) {
    return s.strip().split("\\s+").length;
  }

  @Test
  void aPromptHasTheWordsItsTokenCountEstimates() {
    assertThat(words(prompts.prompt(1, 1))).isEqualTo(1);
    assertThat(words(prompts.prompt(1, 13))).isEqualTo(10);
    assertThat(words(prompts.prompt(1, 100))).isEqualTo(77);
    assertThat(words(prompts.prompt(1, 4000))).isEqualTo(3077);
    for (int tokens : new int[] {10, 100, 1000, 4000}) {
      // The estimate of the prompt made for n tokens is n, to within one word's worth.
      assertThat(SizedPrompts.estimateTokens(prompts.prompt(3, tokens)))
          .isBetween(tokens - 1, tokens + 1);
    }
  }

  @Test
  void promptsOfOneKeyShareTheirPrefixAndDistinctKeysDiffer() {
    String shorter = prompts.prompt(42, 60);
    String longer = prompts.prompt(42, 600);
    assertThat(longer).startsWith(shorter + " ");
    Set<String> distinct = new HashSet<>();
    for (long key = 0; key < 200; key++) {
      distinct.add(prompts.prompt(key, 200));
    }
    assertThat(distinct).hasSize(200);
  }

  @Test
  void theSameSeedGivesTheSamePromptsAndAnotherSeedOthers() {
    assertThat(SizedPrompts.standard(7).prompt(5, 300)).isEqualTo(prompts.prompt(5, 300));
    assertThat(SizedPrompts.standard(8).prompt(5, 300)).isNotEqualTo(prompts.prompt(5, 300));
  }
}
