package io.infertune.runtime.workload;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Prompts of about a given number of tokens, made of corpus sentences.
 *
 * <p>Token counts are estimated, not tokenized: the runtime's tokenizer is not known here, and
 * English prose comes to about {@value #TOKENS_PER_WORD} tokens per word under the BPE tokenizers
 * of current LLMs (OpenAI's rule of thumb: 100 tokens are about 75 words). A prompt of {@code n}
 * tokens therefore has {@code max(1, round(n / 1.3))} words. Requests carry the intended output
 * length separately, and the runtime's own usage counts are what the metrics record.
 *
 * <p>Prompt {@code key} is a fixed, endless sequence of sentences cut to length, so two requests
 * with the same key share a prefix (the shorter is a prefix of the longer, word for word): repeats
 * of popular keys exercise a runtime's prefix cache as repeated system prompts and conversations
 * do, and distinct keys share nothing beyond chance.
 *
 * @implNote immutable and thread-safe.
 */
public final class SizedPrompts {
  /** Tokens per English word under LLM tokenizers (an estimate; see the class comment). */
  public static final double TOKENS_PER_WORD = 1.3;

  private final String[][] words;
  private final long seed;

  /**
   * @param seed fixes which sentences each key's prompt is made of
   */
  public SizedPrompts(Corpus corpus, long seed) {
    List<String> sentences = Objects.requireNonNull(corpus, "corpus").sentences();
    this.words = new String[sentences.size()][];
    for (int i = 0; i < words.length; i++) {
      words[i] = sentences.get(i).strip().split("\\s+");
    }
    this.seed = seed;
  }

  /** Prompts over the standard corpus. */
  public static SizedPrompts standard(long seed) {
    return new SizedPrompts(Corpus.standard(), seed);
  }

  /** The number of words a prompt of {@code tokens} tokens has. */
  public static int wordsFor(int tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
    }
    return (int) Math.max(1, Math.round(tokens / TOKENS_PER_WORD));
  }

  /** The estimated token count of {@code text} (words times {@value #TOKENS_PER_WORD}). */
  public static int estimateTokens(String text) {
    String s = text.strip();
    return s.isEmpty() ? 0 : (int) Math.round(s.split("\\s+").length * TOKENS_PER_WORD);
  }

  /** Prompt {@code key}, cut to about {@code tokens} tokens ({@link #wordsFor} words). */
  public String prompt(long key, int tokens) {
    int target = wordsFor(tokens);
    // SplitMix64 over (seed, key): every key gets its own reproducible sequence of sentences.
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + key);
    StringBuilder out = new StringBuilder(target * 7);
    int n = 0;
    while (n < target) {
      String[] sentence = words[random.nextInt(words.length)];
      for (int i = 0; i < sentence.length && n < target; i++, n++) {
        if (n > 0) {
          out.append(' ');
        }
        out.append(sentence[i]);
      }
    }
    return out.toString();
  }
}
