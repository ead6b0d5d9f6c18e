package io.infertune.runtime.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The expected ids were produced by the Hugging Face {@code tokenizers} library (0.23) from the
 * same {@code tokenizer.json}, with padding turned off.
 */
class BertTokenizerTest {
  private static BertTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in =
        BertTokenizerTest.class
            .getClassLoader()
            .getResourceAsStream(ModelVariant.FP32.tokenizerResource())) {
      tokenizer = BertTokenizer.fromJson(in);
    }
  }

  @Test
  void wrapsWordsInClsAndSep() {
    assertThat(tokenizer.encode("hello world")).containsExactly(101, 7592, 2088, 102);
    assertThat(tokenizer.encode("")).containsExactly(101, 102);
    assertThat(tokenizer.encode("   ")).containsExactly(101, 102);
  }

  @Test
  void lowercasesAndSplitsPunctuation() {
    assertThat(tokenizer.encode("Hello, World!")).containsExactly(101, 7592, 1010, 2088, 999, 102);
    assertThat(tokenizer.encode("don't stop U.S.A. e-mail (ok) {x} <y> #tag @me 50% a+b=c ~"))
        .containsExactly(
            101, 2123, 1005, 1056, 2644, 1057, 1012, 1055, 1012, 1037, 1012, 1041, 1011, 5653, 1006,
            7929, 1007, 1063, 1060, 1065, 1026, 1061, 1028, 1001, 6415, 1030, 2033, 2753, 1003,
            1037, 1009, 1038, 1027, 1039, 1066, 102);
  }

  @Test
  void stripsAccentsBeforeLowercasing() {
    assertThat(tokenizer.encode("Café déjà vu — naïve façade."))
        .containsExactly(101, 7668, 2139, 3900, 24728, 1517, 15743, 8508, 1012, 102);
    assertThat(tokenizer.encode("ÉCOLE Ünïcödé straße"))
        .containsExactly(101, 12431, 27260, 2358, 27807, 102);
    // NFD of the dotted capital I is I + a combining dot, which is stripped before lowercasing.
    assertThat(tokenizer.encode("İstanbul")).containsExactly(101, 9960, 102);
    // Each capital sigma lowercases on its own, so no final-sigma form appears.
    assertThat(tokenizer.encode("Ωμέγα ΣΊΣΥΦΟΣ"))
        .containsExactly(
            101, 1179, 29728, 29723, 29721, 14608, 1173, 18199, 29733, 29735, 29736, 29730, 29733,
            102);
  }

  @Test
  void splitsWordsIntoContinuationPieces() {
    assertThat(tokenizer.encode("embeddings are great"))
        .containsExactly(101, 7861, 8270, 4667, 2015, 2024, 2307, 102);
    assertThat(
            tokenizer.encode(
                "The tokenizer handles unbelievably long words like"
                    + " pneumonoultramicroscopicsilicovolcanoconiosis."))
        .containsExactly(
            101, 1996, 19204, 17629, 16024, 4895, 8671, 2666, 3567, 6321, 2146, 2616, 2066, 1052,
            2638, 2819, 17175, 11314, 6444, 2594, 7352, 26461, 27572, 11261, 6767, 15472, 6761,
            8663, 10735, 2483, 1012, 102);
  }

  @Test
  void unknownCharactersAndOverlongWordsBecomeUnk() {
    assertThat(tokenizer.encode("I paid $100 for a 😀 emoji\u00a0today"))
        .containsExactly(
            101, 1045, 3825, 1002, 2531, 2005, 1037, 100, 7861, 29147, 2072, 2651, 102);
    // 100 characters is the longest word WordPiece splits; 101 is one [UNK].
    assertThat(tokenizer.encode("x".repeat(100))).hasSize(52).startsWith(101, 22038, 20348);
    assertThat(tokenizer.encode("x".repeat(101))).containsExactly(101, 100, 102);
    assertThat(tokenizer.encode("x".repeat(120) + " end")).containsExactly(101, 100, 2203, 102);
    assertThat(tokenizer.encode("ｆｕｌｌｗｉｄｔｈ ﬁ ligature"))
        .containsExactly(101, 100, 1984, 8018, 11244, 102);
  }

  @Test
  void spacesCjkAndCleansControlCharacters() {
    assertThat(tokenizer.encode("I'd like 3.5 kg of 北京 tea!!"))
        .containsExactly(
            101, 1045, 1005, 1040, 2066, 1017, 1012, 1019, 4705, 1997, 1781, 1755, 5572, 999, 999,
            102);
    assertThat(tokenizer.encode("Tabs\tand\nnewlines  and\u0000control\u200b chars"))
        .containsExactly(
            101, 21628, 2015, 1998, 2047, 12735, 1998, 8663, 13181, 2140, 25869, 2015, 102);
  }

  @Test
  void matchesSpecialTokensInTheRawText() {
    assertThat(tokenizer.encode("hello [SEP] world")).containsExactly(101, 7592, 102, 2088, 102);
    assertThat(tokenizer.encode("hello[CLS]world [MASK]."))
        .containsExactly(101, 7592, 101, 2088, 103, 1012, 102);
  }

  @Test
  void truncatesToTheMaximumLengthKeepingSep() {
    int[] ids = tokenizer.encode("word ".repeat(200));
    assertThat(tokenizer.maxLength()).isEqualTo(128);
    assertThat(ids).hasSize(128);
    assertThat(ids[0]).isEqualTo(101);
    assertThat(ids[1]).isEqualTo(2773);
    assertThat(ids[126]).isEqualTo(2773);
    assertThat(ids[127]).isEqualTo(102);
  }

  @Test
  void rejectsOtherTokenizerTypes() {
    String bpe = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}";
    assertThatThrownBy(
            () ->
                BertTokenizer.fromJson(
                    new ByteArrayInputStream(bpe.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WordPiece");
  }
}
