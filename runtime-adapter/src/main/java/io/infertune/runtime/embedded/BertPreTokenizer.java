package io.infertune.runtime.embedded;

/**
 * Hugging Face's {@code BertPreTokenizer}: splits on whitespace (dropped) and on punctuation (each
 * punctuation character becomes a word of its own). Punctuation is every ASCII punctuation
 * character (so {@code $ + < = > ^ ` | ~} too, which Unicode calls symbols) and every character of
 * a Unicode punctuation category.
 */
final class BertPreTokenizer {
  private BertPreTokenizer() {}

  /**
   * Passes each word of {@code text} to {@code words}, in order, until it returns {@code false}.
   */
  static void split(String text, WordSink words) {
    int start = -1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (BertNormalizer.isWhitespace(cp)) {
        if (start >= 0 && !words.accept(text.substring(start, i))) {
          return;
        }
        start = -1;
      } else if (isPunctuation(cp)) {
        if (start >= 0 && !words.accept(text.substring(start, i))) {
          return;
        }
        start = -1;
        if (!words.accept(text.substring(i, next))) {
          return;
        }
      } else if (start < 0) {
        start = i;
      }
      i = next;
    }
    if (start >= 0) {
      words.accept(text.substring(start));
    }
  }

  static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)) {
      return true;
    }
    if (cp >= 123 && cp <= 126) {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  /** Receives words; returns {@code false} to stop the split early. */
  @FunctionalInterface
  interface WordSink {
    boolean accept(String word);
  }
}
