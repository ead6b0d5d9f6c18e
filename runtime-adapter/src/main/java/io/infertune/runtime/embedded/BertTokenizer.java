package io.infertune.runtime.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pure-Java BERT WordPiece tokenizer that reads a Hugging Face {@code tokenizer.json} and
 * produces the same ids as the Hugging Face tokenizer: added (special) tokens matched in the raw
 * text, then {@link BertNormalizer}, {@link BertPreTokenizer}, greedy longest-match-first WordPiece
 * with the continuing-subword prefix ({@code ##}), {@code [UNK]} for a word that cannot be split or
 * that is longer than {@code max_input_chars_per_word}, the post-processor's special tokens around
 * the sequence ({@code [CLS] ... [SEP]}), and right truncation to {@code truncation.max_length}
 * (512 when the file sets none). It does not pad: {@link EmbeddingModel} pads a batch to its
 * longest member.
 *
 * <p>Only what BERT-style {@code tokenizer.json} files use is supported; anything else (another
 * model type, normalizer or pre-tokenizer) is rejected when the file is read.
 *
 * @implNote immutable and thread-safe; encoding takes microseconds per sentence.
 */
public final class BertTokenizer {
  private static final int DEFAULT_MAX_LENGTH = 512;

  private final Map<String, Integer> vocab;
  private final int unkId;
  private final String continuingSubwordPrefix;
  private final int maxInputCharsPerWord;
  private final BertNormalizer normalizer;
  private final int[] prefixIds;
  private final int[] suffixIds;
  private final int maxLength;
  private final int padId;
  private final List<AddedToken> addedTokens;

  private record AddedToken(String content, int id) {}

  private BertTokenizer(
      Map<String, Integer> vocab,
      int unkId,
      String continuingSubwordPrefix,
      int maxInputCharsPerWord,
      BertNormalizer normalizer,
      int[] prefixIds,
      int[] suffixIds,
      int maxLength,
      int padId,
      List<AddedToken> addedTokens) {
    if (maxLength < prefixIds.length + suffixIds.length + 1) {
      throw new IllegalArgumentException("max_length " + maxLength + " leaves no room for text");
    }
    this.vocab = vocab;
    this.unkId = unkId;
    this.continuingSubwordPrefix = continuingSubwordPrefix;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.normalizer = normalizer;
    this.prefixIds = prefixIds;
    this.suffixIds = suffixIds;
    this.maxLength = maxLength;
    this.padId = padId;
    this.addedTokens = addedTokens;
  }

  /**
   * Reads a {@code tokenizer.json}.
   *
   * @throws IOException when the JSON cannot be read
   * @throws IllegalArgumentException when it describes a tokenizer other than BERT WordPiece
   */
  public static BertTokenizer fromJson(InputStream json) throws IOException {
    JsonValue root = JsonValue.parse(json);
    JsonValue model = root.path("model");
    String modelType = model.path("type").asText("");
    if (!"WordPiece".equals(modelType)) {
      throw new IllegalArgumentException(
          "only WordPiece models are supported, got '" + modelType + "'");
    }
    Map<String, JsonValue> vocabNode = model.path("vocab").members();
    if (vocabNode.isEmpty()) {
      throw new IllegalArgumentException("tokenizer.json has no model.vocab");
    }
    Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
    vocabNode.forEach((token, id) -> vocab.put(token, id.asInt(-1)));
    String unk = model.path("unk_token").asText("[UNK]");
    Integer unkId = vocab.get(unk);
    if (unkId == null) {
      throw new IllegalArgumentException("unk_token '" + unk + "' is not in the vocabulary");
    }
    String prefix = model.path("continuing_subword_prefix").asText("##");
    int maxChars = model.path("max_input_chars_per_word").asInt(100);

    JsonValue n = root.path("normalizer");
    String normalizerType = n.path("type").asText("");
    if (!"BertNormalizer".equals(normalizerType)) {
      throw new IllegalArgumentException(
          "only BertNormalizer is supported, got '" + normalizerType + "'");
    }
    boolean lowercase = n.path("lowercase").asBoolean(true);
    JsonValue strip = n.path("strip_accents");
    BertNormalizer normalizer =
        new BertNormalizer(
            n.path("clean_text").asBoolean(true),
            n.path("handle_chinese_chars").asBoolean(true),
            // Hugging Face: strip_accents null means "as lowercase".
            strip.isBoolean() ? strip.asBoolean(lowercase) : lowercase,
            lowercase);

    String pre = root.path("pre_tokenizer").path("type").asText("");
    if (!"BertPreTokenizer".equals(pre)) {
      throw new IllegalArgumentException("only BertPreTokenizer is supported, got '" + pre + "'");
    }

    List<Integer> before = new ArrayList<>();
    List<Integer> after = new ArrayList<>();
    readPostProcessor(root.path("post_processor"), before, after);

    JsonValue truncation = root.path("truncation");
    int maxLength = truncation.path("max_length").asInt(DEFAULT_MAX_LENGTH);
    if (!"Right".equals(truncation.path("direction").asText("Right"))) {
      throw new IllegalArgumentException("only right truncation is supported");
    }
    int padId = root.path("padding").path("pad_id").asInt(vocab.getOrDefault("[PAD]", 0));

    List<AddedToken> added = new ArrayList<>();
    for (JsonValue t : root.path("added_tokens").elements()) {
      String content = t.path("content").asText("");
      if (!content.isEmpty()) {
        added.add(new AddedToken(content, t.path("id").asInt(unkId)));
      }
    }
    // Leftmost-longest matching, as the Hugging Face added-vocabulary matcher does.
    added.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());

    return new BertTokenizer(
        vocab,
        unkId,
        prefix,
        maxChars,
        normalizer,
        before.stream().mapToInt(Integer::intValue).toArray(),
        after.stream().mapToInt(Integer::intValue).toArray(),
        maxLength,
        padId,
        List.copyOf(added));
  }

  private static void readPostProcessor(JsonValue p, List<Integer> before, List<Integer> after) {
    if (p.isAbsent()) {
      return;
    }
    String type = p.path("type").asText("");
    switch (type) {
      case "TemplateProcessing" -> {
        boolean sequenceSeen = false;
        for (JsonValue piece : p.path("single").elements()) {
          if (piece.has("Sequence")) {
            sequenceSeen = true;
          } else if (piece.has("SpecialToken")) {
            String id = piece.path("SpecialToken").path("id").asText("");
            List<JsonValue> ids = p.path("special_tokens").path(id).path("ids").elements();
            if (ids.isEmpty()) {
              throw new IllegalArgumentException("special token '" + id + "' has no ids");
            }
            for (JsonValue i : ids) {
              (sequenceSeen ? after : before).add(i.asInt(-1));
            }
          }
        }
      }
      case "BertProcessing" -> {
        before.add(p.path("cls").path(1).asInt(-1));
        after.add(p.path("sep").path(1).asInt(-1));
      }
      default -> throw new IllegalArgumentException("unsupported post_processor '" + type + "'");
    }
  }

  /** The most ids {@link #encode} returns, special tokens included. */
  public int maxLength() {
    return maxLength;
  }

  /** The id that pads a sequence. */
  public int padId() {
    return padId;
  }

  /** The number of entries in the vocabulary. */
  public int vocabularySize() {
    return vocab.size();
  }

  /** The ids of {@code text}: special tokens around the word pieces, truncated to the maximum. */
  public int[] encode(String text) {
    int budget = maxLength - prefixIds.length - suffixIds.length;
    IntBuffer ids = new IntBuffer(Math.min(budget, text.length() / 3 + 4));
    int from = 0;
    while (from < text.length() && ids.size() < budget) {
      int at = -1;
      AddedToken found = null;
      for (int i = from; i < text.length() && found == null; i++) {
        for (AddedToken t : addedTokens) {
          if (text.startsWith(t.content(), i)) {
            at = i;
            found = t;
            break;
          }
        }
      }
      String plain = found == null ? text.substring(from) : text.substring(from, at);
      encodePlain(plain, ids, budget);
      if (found == null) {
        break;
      }
      if (ids.size() < budget) {
        ids.add(found.id());
      }
      from = at + found.content().length();
    }
    int n = Math.min(ids.size(), budget);
    int[] out = new int[prefixIds.length + n + suffixIds.length];
    System.arraycopy(prefixIds, 0, out, 0, prefixIds.length);
    System.arraycopy(ids.array(), 0, out, prefixIds.length, n);
    System.arraycopy(suffixIds, 0, out, prefixIds.length + n, suffixIds.length);
    return out;
  }

  private void encodePlain(String text, IntBuffer ids, int budget) {
    if (text.isEmpty()) {
      return;
    }
    BertPreTokenizer.split(
        normalizer.normalize(text),
        word -> {
          wordPiece(word, ids);
          // Words past the budget would be truncated anyway: stop early on long inputs.
          return ids.size() < budget;
        });
  }

  /** Greedy longest-match-first split of one word into vocabulary pieces. */
  private void wordPiece(String word, IntBuffer ids) {
    if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
      ids.add(unkId);
      return;
    }
    int mark = ids.size();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      Integer piece = null;
      while (start < end) {
        String sub = word.substring(start, end);
        piece = vocab.get(start > 0 ? continuingSubwordPrefix + sub : sub);
        if (piece != null) {
          break;
        }
        end = word.offsetByCodePoints(end, -1);
      }
      if (piece == null) {
        ids.truncate(mark);
        ids.add(unkId);
        return;
      }
      ids.add(piece);
      start = end;
    }
  }

  /** A growable int array: boxing every id would cost more than the tokenization itself. */
  private static final class IntBuffer {
    private int[] a;
    private int n;

    IntBuffer(int capacity) {
      a = new int[Math.max(8, capacity)];
    }

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    void truncate(int size) {
      n = size;
    }

    int[] array() {
      return a;
    }
  }
}
