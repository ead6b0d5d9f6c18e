package io.infertune.experiments;

import ai.onnxruntime.OrtException;
import io.infertune.runtime.embedded.EmbeddingModel;
import io.infertune.runtime.embedded.ModelFiles;
import io.infertune.runtime.embedded.ModelVariant;
import io.infertune.runtime.embedded.SessionSettings;
import io.infertune.runtime.workload.Corpus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Raw inference throughput of the embedded runtime's model, without batcher or cache: sentences per
 * second for fp32 and int8, at batch 1 and 32, on one thread and on all cores. Each case loads its
 * own session, embeds the sentences once to warm up, then {@code repeats} times; the table shows
 * the median and the range over the repeats. Then the agreement of int8 with fp32 (cosine of the
 * two embeddings of each sentence).
 *
 * <p>Not a test: numbers depend on the machine and on what else runs on it (on shared 2-core
 * machines clean repeats of one setting differ by up to 38 %). Run with {@code mvn -pl experiments
 * compile exec:java -Dexec.mainClass=io.infertune.experiments.EmbeddingThroughputBenchmark
 * [-Dexec.args="REPEATS SENTENCES"]}.
 */
public final class EmbeddingThroughputBenchmark {
  private static final int[] BATCH_SIZES = {1, 32};

  private final ModelFiles files;
  private final List<String> sentences;
  private final int repeats;
  private final PrintStream out;

  EmbeddingThroughputBenchmark(
      ModelFiles files, List<String> sentences, int repeats, PrintStream out) {
    if (repeats < 1 || sentences.isEmpty()) {
      throw new IllegalArgumentException("need at least one repeat and one sentence");
    }
    this.files = files;
    this.sentences = List.copyOf(sentences);
    this.repeats = repeats;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    List<String> corpus = Corpus.standard().sentences();
    List<String> sentences = corpus.subList(0, Math.min(count, corpus.size()));
    ModelFiles files = new ModelFiles(ModelFiles.defaultCacheDir());
    files.prepareNativeLibraries();
    new EmbeddingThroughputBenchmark(files, sentences, repeats, System.out).run();
  }

  /** One measured case. */
  record Case(ModelVariant variant, int batchSize, int threads) {}

  /** Sentences per second of each repeat. */
  record Result(Case c, double[] sentencesPerSecond) {
    double median() {
      double[] s = sentencesPerSecond.clone();
      Arrays.sort(s);
      int n = s.length;
      return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    double min() {
      return Arrays.stream(sentencesPerSecond).min().orElse(Double.NaN);
    }

    double max() {
      return Arrays.stream(sentencesPerSecond).max().orElse(Double.NaN);
    }
  }

  void run() throws IOException, OrtException {
    int cores = Runtime.getRuntime().availableProcessors();
    double meanTokens =
        sentences.stream().mapToInt(s -> tokenizerLength(s)).average().orElse(Double.NaN);
    out.printf(
        Locale.ROOT,
        "Embedding throughput: all-MiniLM-L6-v2, %d corpus sentences (mean %.1f tokens),"
            + " %d cores, %d repeats after a warm-up, spinning off%n",
        sentences.size(),
        meanTokens,
        cores,
        repeats);
    List<Integer> threadCounts = cores > 1 ? List.of(1, cores) : List.of(1);
    Map<Case, Result> results = new LinkedHashMap<>();
    for (ModelVariant variant : ModelVariant.values()) {
      for (int batch : BATCH_SIZES) {
        for (int threads : threadCounts) {
          Case c = new Case(variant, batch, threads);
          results.put(c, measure(c));
        }
      }
    }
    out.printf(
        "%-8s %6s %8s %14s %22s %12s%n",
        "variant", "batch", "threads", "median sent/s", "range (min-max)", "int8/fp32");
    for (Result r : results.values()) {
      Case c = r.c();
      Result fp32 = results.get(new Case(ModelVariant.FP32, c.batchSize(), c.threads()));
      String ratio =
          c.variant() == ModelVariant.FP32
              ? "-"
              : String.format(Locale.ROOT, "%.2fx", r.median() / fp32.median());
      out.printf(
          Locale.ROOT,
          "%-8s %6d %8d %14.1f %22s %12s%n",
          c.variant().knobValue(),
          c.batchSize(),
          c.threads(),
          r.median(),
          String.format(Locale.ROOT, "%.1f-%.1f", r.min(), r.max()),
          ratio);
    }
    agreement();
  }

  private int tokenizerLength(String s) {
    try {
      return files.tokenizer(ModelVariant.FP32).encode(s).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Result measure(Case c) throws IOException, OrtException {
    try (EmbeddingModel model =
        EmbeddingModel.load(files, c.variant(), new SessionSettings(c.threads(), false))) {
      embedAll(model, c.batchSize());
      double[] rates = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        embedAll(model, c.batchSize());
        rates[r] = sentences.size() / ((System.nanoTime() - start) / 1e9);
      }
      return new Result(c, rates);
    }
  }

  private float[][] embedAll(EmbeddingModel model, int batchSize) throws OrtException {
    float[][] out = new float[sentences.size()][];
    for (int from = 0; from < sentences.size(); from += batchSize) {
      int to = Math.min(sentences.size(), from + batchSize);
      float[][] part = model.embed(sentences.subList(from, to));
      System.arraycopy(part, 0, out, from, part.length);
    }
    return out;
  }

  private void agreement() throws IOException, OrtException {
    SessionSettings settings =
        new SessionSettings(Runtime.getRuntime().availableProcessors(), false);
    float[][] fp32;
    float[][] int8;
    try (EmbeddingModel m = EmbeddingModel.load(files, ModelVariant.FP32, settings)) {
      fp32 = embedAll(m, 32);
    }
    try (EmbeddingModel m = EmbeddingModel.load(files, ModelVariant.INT8, settings)) {
      int8 = embedAll(m, 32);
    }
    List<Double> cosines = new ArrayList<>();
    for (int i = 0; i < fp32.length; i++) {
      cosines.add(EmbeddingModel.cosine(fp32[i], int8[i]));
    }
    double mean = cosines.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double min = cosines.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    out.printf(
        Locale.ROOT,
        "%nint8 vs fp32 on the same %d sentences: mean cosine %.4f, min %.4f%n",
        fp32.length,
        mean,
        min);
  }
}
