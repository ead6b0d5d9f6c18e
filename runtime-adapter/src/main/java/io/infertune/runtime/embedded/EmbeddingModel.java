package io.infertune.runtime.embedded;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One ONNX Runtime session of a sentence-embedding model: tokenizes, pads a batch to its longest
 * member, runs the transformer, mean-pools the token states over the attention mask (padding does
 * not count) and L2-normalises, as sentence-transformers does for all-MiniLM-L6-v2.
 *
 * @implNote {@link #embed} and {@link #embedTokens} may be called from several threads at once
 *     (ONNX Runtime sessions are thread-safe); {@link #close} must not overlap them.
 */
public final class EmbeddingModel implements AutoCloseable {
  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final String PREFERRED_OUTPUT = "last_hidden_state";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final BertTokenizer tokenizer;
  private final ModelVariant variant;
  private final SessionSettings settings;
  private final boolean takesTokenTypes;
  private final String outputName;
  private final int dimension;

  private EmbeddingModel(
      OrtEnvironment env,
      OrtSession session,
      BertTokenizer tokenizer,
      ModelVariant variant,
      SessionSettings settings)
      throws OrtException {
    this.env = env;
    this.session = session;
    this.tokenizer = tokenizer;
    this.variant = variant;
    this.settings = settings;
    Set<String> inputs = session.getInputNames();
    if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
      throw new IllegalArgumentException(
          "the model's inputs " + inputs + " lack input_ids or attention_mask");
    }
    this.takesTokenTypes = inputs.contains(TOKEN_TYPE_IDS);
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    this.outputName =
        outputs.containsKey(PREFERRED_OUTPUT)
            ? PREFERRED_OUTPUT
            : session.getOutputNames().iterator().next();
    if (!(outputs.get(outputName).getInfo() instanceof TensorInfo info)
        || info.getShape().length != 3
        || info.getShape()[2] <= 0) {
      throw new IllegalArgumentException(
          "output '" + outputName + "' is not a [batch, tokens, hidden] tensor");
    }
    this.dimension = Math.toIntExact(info.getShape()[2]);
  }

  /**
   * Loads {@code variant} from {@code files} into a new session.
   *
   * @throws IOException when the model files cannot be extracted or read
   * @throws OrtException when ONNX Runtime cannot create the session (out of memory, say)
   */
  public static EmbeddingModel load(
      ModelFiles files, ModelVariant variant, SessionSettings settings)
      throws IOException, OrtException {
    return load(files.onnxFile(variant), files.tokenizer(variant), variant, settings);
  }

  /**
   * Loads the model at {@code onnxFile} into a new session.
   *
   * @throws OrtException when ONNX Runtime cannot create the session
   */
  public static EmbeddingModel load(
      Path onnxFile, BertTokenizer tokenizer, ModelVariant variant, SessionSettings settings)
      throws OrtException {
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(variant, "variant");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(settings.intraOpThreads());
      // One operator at a time: the parallel execution mode was measured to be reliably worse.
      options.setInterOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", settings.spinning() ? "1" : "0");
      OrtSession session = env.createSession(onnxFile.toString(), options);
      try {
        return new EmbeddingModel(env, session, tokenizer, variant, settings);
      } catch (OrtException | RuntimeException e) {
        session.close();
        throw e;
      }
    }
  }

  public ModelVariant variant() {
    return variant;
  }

  public SessionSettings settings() {
    return settings;
  }

  public BertTokenizer tokenizer() {
    return tokenizer;
  }

  /** The length of an embedding (384 for all-MiniLM-L6-v2). */
  public int dimension() {
    return dimension;
  }

  /**
   * Unit-length embeddings of {@code texts}, in order, computed as one batch.
   *
   * @throws OrtException when inference fails
   */
  public float[][] embed(List<String> texts) throws OrtException {
    List<int[]> ids = new ArrayList<>(texts.size());
    for (String t : texts) {
      ids.add(tokenizer.encode(t));
    }
    return embedTokens(ids);
  }

  /**
   * Unit-length embeddings of already tokenized sequences (from {@link #tokenizer()}), computed as
   * one batch padded to the longest sequence.
   *
   * @throws OrtException when inference fails
   */
  public float[][] embedTokens(List<int[]> sequences) throws OrtException {
    int batch = sequences.size();
    if (batch == 0) {
      return new float[0][];
    }
    int length = 1;
    for (int[] s : sequences) {
      length = Math.max(length, s.length);
    }
    long[] ids = new long[batch * length];
    long[] mask = new long[batch * length];
    int pad = tokenizer.padId();
    for (int b = 0; b < batch; b++) {
      int[] s = sequences.get(b);
      int row = b * length;
      for (int t = 0; t < length; t++) {
        if (t < s.length) {
          ids[row + t] = s[t];
          mask[row + t] = 1;
        } else {
          ids[row + t] = pad;
        }
      }
    }
    long[] shape = {batch, length};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (takesTokenTypes) {
        // One segment only: every token type is 0.
        inputs.put(
            TOKEN_TYPE_IDS,
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
        OnnxValue out = result.get(outputName).orElseThrow();
        if (!(out instanceof OnnxTensor tensor)) {
          throw new IllegalStateException("output '" + outputName + "' is not a tensor");
        }
        return meanPoolAndNormalise(tensor.getFloatBuffer(), mask, batch, length);
      }
    } finally {
      for (OnnxTensor t : inputs.values()) {
        t.close();
      }
    }
  }

  private float[][] meanPoolAndNormalise(FloatBuffer hidden, long[] mask, int batch, int length) {
    int h = dimension;
    if (hidden.remaining() != (long) batch * length * h) {
      throw new IllegalStateException(
          "expected "
              + batch
              + "x"
              + length
              + "x"
              + h
              + " hidden states, got "
              + hidden.remaining());
    }
    float[][] out = new float[batch][h];
    double[] sum = new double[h];
    for (int b = 0; b < batch; b++) {
      Arrays.fill(sum, 0);
      int tokens = 0;
      for (int t = 0; t < length; t++) {
        if (mask[b * length + t] == 0) {
          continue;
        }
        tokens++;
        int base = (b * length + t) * h;
        for (int k = 0; k < h; k++) {
          sum[k] += hidden.get(base + k);
        }
      }
      double norm = 0;
      for (int k = 0; k < h; k++) {
        double mean = sum[k] / Math.max(1, tokens);
        sum[k] = mean;
        norm += mean * mean;
      }
      // As sentence-transformers' Normalize: divide by max(norm, 1e-12).
      double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
      for (int k = 0; k < h; k++) {
        out[b][k] = (float) (sum[k] * scale);
      }
    }
    return out;
  }

  /** The cosine similarity of two vectors of equal length (their dot product if unit-length). */
  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vectors differ in length: " + a.length + ", " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
