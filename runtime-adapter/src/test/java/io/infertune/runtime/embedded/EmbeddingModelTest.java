package io.infertune.runtime.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The model really embeds meaning, and batching with padding changes nothing. */
class EmbeddingModelTest {
  private static EmbeddingModel fp32;

  @BeforeAll
  static void load() throws Exception {
    ModelFiles files = new ModelFiles(ModelFiles.defaultCacheDir());
    files.prepareNativeLibraries();
    fp32 = EmbeddingModel.load(files, ModelVariant.FP32, new SessionSettings(2, false));
  }

  @AfterAll
  static void close() throws Exception {
    fp32.close();
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedSentences() throws Exception {
    List<List<String>> triples =
        List.of(
            List.of(
                "A man is playing a guitar.",
                "Someone is strumming a guitar.",
                "The stock market fell sharply today."),
            List.of(
                "How do I reset my password?",
                "I forgot my password, how can I change it?",
                "The cat is sleeping on the sofa."),
            List.of(
                "The weather is lovely today.",
                "It is a beautiful sunny day.",
                "He is repairing the engine of his car."),
            List.of(
                "The company reported higher profits this year.",
                "This year the firm's earnings increased.",
                "Children are playing football in the park."),
            List.of(
                "The train to Paris was cancelled.",
                "Our rail connection to Paris did not run.",
                "She baked a chocolate cake for the party."));
    for (List<String> t : triples) {
      float[][] e = fp32.embed(t);
      double paraphrase = EmbeddingModel.cosine(e[0], e[1]);
      assertThat(paraphrase)
          .as("%s ~ %s", t.get(0), t.get(1))
          .isGreaterThan(EmbeddingModel.cosine(e[0], e[2]))
          .isGreaterThan(EmbeddingModel.cosine(e[1], e[2]))
          .isGreaterThan(0.5);
    }
  }

  @Test
  void embeddingsAreUnitLengthAndPaddingDoesNotChangeThem() throws Exception {
    String shortText = "A short one.";
    String longText =
        "A considerably longer sentence, which forces the short one to be padded in the batch.";
    float[] alone = fp32.embed(List.of(shortText))[0];
    float[][] batch = fp32.embed(List.of(shortText, longText));
    assertThat(alone).hasSize(fp32.dimension()).hasSize(384);
    double norm = 0;
    for (float x : alone) {
      norm += x * x;
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(EmbeddingModel.cosine(alone, batch[0]))
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void anEmptyBatchGivesNoEmbeddings() throws Exception {
    assertThat(fp32.embedTokens(List.of())).isEmpty();
  }
}
