package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DistinctInputsTest {
  @Test
  void theStandardCorpusHasHundredsOfSentencesOfFiveToThirtyWords() {
    Corpus corpus = Corpus.standard();
    assertThat(corpus.size()).isGreaterThanOrEqualTo(300);
    for (String s : corpus.sentences()) {
      assertThat(s.split("\\s+").length).as(s).isBetween(5, 30);
      assertThat(s).as("ends a sentence").matches(".*[.?!]$");
    }
  }

  @Test
  void derivesAsManyDistinctInputsAsAsked() {
    DistinctInputs inputs = new DistinctInputs(Corpus.standard(), 20_000, 7);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < inputs.size(); i++) {
      seen.add(inputs.get(i));
    }
    assertThat(seen).hasSize(20_000);
    assertThat(Corpus.standard().sentences()).contains(inputs.get(0));
    assertThat(Corpus.standard().sentences()).doesNotContain(inputs.get(19_999));
  }

  @Test
  void triplesReachFarBeyondTheCorpus() {
    int n = Corpus.standard().size();
    int size = (int) Math.min(Integer.MAX_VALUE, (long) n + (long) n * (n - 1) + 10);
    DistinctInputs inputs = new DistinctInputs(Corpus.standard(), size, 1);
    Set<String> last = new HashSet<>();
    for (int i = size - 10; i < size; i++) {
      last.add(inputs.get(i));
    }
    assertThat(last).hasSize(10);
  }

  @Test
  void theSeedFixesTheOrder() {
    DistinctInputs a = new DistinctInputs(Corpus.standard(), 100, 3);
    DistinctInputs b = new DistinctInputs(Corpus.standard(), 100, 3);
    DistinctInputs c = new DistinctInputs(Corpus.standard(), 100, 4);
    assertThat(a.get(0)).isEqualTo(b.get(0));
    assertThat(List.of(a.get(0), a.get(1), a.get(2)))
        .isNotEqualTo(List.of(c.get(0), c.get(1), c.get(2)));
  }

  @Test
  void rejectsMoreInputsThanTheCorpusCanGive() {
    Corpus two = new Corpus(List.of("One short sentence here.", "Another short sentence here."));
    assertThat(DistinctInputs.capacity(2)).isEqualTo(2 + 2 + 8);
    assertThat(new DistinctInputs(two, 12, 1).get(11)).isNotBlank();
    assertThatThrownBy(() -> new DistinctInputs(two, 13, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DistinctInputs(two, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
