package io.infertune.runtime.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Distinct English sentences to embed: the standard corpus ships with Infertune (several hundred
 * sentences of 5 to 30 words on varied topics, written for it).
 *
 * @param sentences distinct, non-blank sentences, in file order
 */
public record Corpus(List<String> sentences) {
  private static final String RESOURCE = "corpus.txt";

  public Corpus {
    sentences = List.copyOf(sentences);
    if (sentences.isEmpty()) {
      throw new IllegalArgumentException("a corpus needs at least one sentence");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String s : sentences) {
      if (s.isBlank()) {
        throw new IllegalArgumentException("a corpus sentence is blank");
      }
      if (!seen.add(s)) {
        throw new IllegalArgumentException("the corpus lists '" + s + "' twice");
      }
    }
  }

  /** The corpus that ships with Infertune, read once. */
  public static Corpus standard() {
    return Standard.CORPUS;
  }

  public int size() {
    return sentences.size();
  }

  private static final class Standard {
    static final Corpus CORPUS = read();

    private static Corpus read() {
      try {
        return new Corpus(io.infertune.runtime.TextResources.lines(Corpus.class, RESOURCE));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
