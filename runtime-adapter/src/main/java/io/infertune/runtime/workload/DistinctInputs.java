package io.infertune.runtime.workload;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * {@code size} distinct inputs derived deterministically from a corpus, computed on demand (a
 * million inputs cost no memory). Input {@code i} is, in a seeded random order: one corpus sentence
 * while there are sentences left, then pairs of different sentences, then triples. With a corpus of
 * {@code n} sentences that gives up to {@code n + n(n-1) + n^3} inputs.
 *
 * <p>Inputs stay distinct as long as no corpus sentence is the concatenation of others, which holds
 * for sentences that each end with their own full stop.
 *
 * @implNote immutable and thread-safe.
 */
public final class DistinctInputs {
  private final List<String> sentences;
  private final int[] order;
  private final int size;

  /**
   * @param seed orders the sentences; the same seed gives the same inputs
   * @throws IllegalArgumentException when {@code size} is not positive or exceeds what the corpus
   *     can give
   */
  public DistinctInputs(Corpus corpus, int size, long seed) {
    Objects.requireNonNull(corpus, "corpus");
    this.sentences = corpus.sentences();
    long n = sentences.size();
    long capacity = capacity(sentences.size());
    if (size < 1 || size > capacity) {
      throw new IllegalArgumentException(
          "distinct inputs must be in [1, " + capacity + "] for this corpus, got " + size);
    }
    this.size = size;
    this.order = new int[(int) n];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /** The most distinct inputs a corpus of {@code n} sentences can give. */
  public static long capacity(int n) {
    long m = n;
    return Math.min(Integer.MAX_VALUE, m + m * (m - 1) + m * m * m);
  }

  public int size() {
    return size;
  }

  /** Input {@code index}, in {@code [0, size)}. */
  public String get(int index) {
    Objects.checkIndex(index, size);
    int n = order.length;
    long j = index;
    if (j < n) {
      return sentence(j);
    }
    j -= n;
    if (j < (long) n * (n - 1)) {
      long a = j / (n - 1);
      long b = j % (n - 1);
      if (b >= a) {
        b++;
      }
      return sentence(a) + " " + sentence(b);
    }
    j -= (long) n * (n - 1);
    return sentence(j / ((long) n * n)) + " " + sentence((j / n) % n) + " " + sentence(j % n);
  }

  private String sentence(long k) {
    return sentences.get(order[(int) k]);
  }
}
