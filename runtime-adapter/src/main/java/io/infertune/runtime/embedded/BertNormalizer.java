package io.infertune.runtime.embedded;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Hugging Face's {@code BertNormalizer}, step for step: clean the text (drop control characters,
 * turn every whitespace into a space), put spaces around CJK ideographs, strip accents (NFD, then
 * drop non-spacing marks), lowercase, in that order.
 *
 * <p>Character classes follow the Rust definitions that the {@code tokenizers} library uses, not
 * Java's: whitespace is the Unicode {@code White_Space} property, "control" is any of the general
 * categories Cc, Cf, Cs, Co and Cn except tab, newline and carriage return, and lowercasing maps
 * one code point at a time with the full (not locale-sensitive) mapping.
 *
 * @param stripAccents Hugging Face's {@code strip_accents}, already defaulted to {@code lowercase}
 *     when the JSON leaves it null
 */
record BertNormalizer(
    boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

  String normalize(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cleanText) {
        if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
          continue;
        }
        if (isWhitespace(cp)) {
          sb.append(' ');
          continue;
        }
      }
      if (handleChineseChars && isChineseChar(cp)) {
        sb.append(' ').appendCodePoint(cp).append(' ');
      } else {
        sb.appendCodePoint(cp);
      }
    }
    String s = sb.toString();
    boolean ascii = isAscii(s);
    if (stripAccents && !ascii) {
      s = stripAccents(s);
    }
    if (lowercase) {
      s = ascii ? s.toLowerCase(Locale.ROOT) : lowercaseEachCodePoint(s);
    }
    return s;
  }

  private static String stripAccents(String s) {
    String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
    StringBuilder sb = new StringBuilder(nfd.length());
    for (int i = 0; i < nfd.length(); ) {
      int cp = nfd.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) != Character.NON_SPACING_MARK) {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  /**
   * Lowercases code point by code point: {@link String#toLowerCase} on the whole string would treat
   * a word-final capital sigma differently from Hugging Face.
   */
  private static String lowercaseEachCodePoint(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x80) {
        sb.append((char) Character.toLowerCase(cp));
      } else {
        sb.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
      }
    }
    return sb.toString();
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Rust's {@code char::is_whitespace} (the Unicode White_Space property). */
  static boolean isWhitespace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D)
        || cp == 0x20
        || cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }

  /** Hugging Face's {@code is_control}: the "other" categories, except tab, newline and CR. */
  static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED ->
          true;
      default -> false;
    };
  }

  /** The CJK Unified Ideographs blocks that BERT's tokenizer treats as words of their own. */
  static boolean isChineseChar(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
