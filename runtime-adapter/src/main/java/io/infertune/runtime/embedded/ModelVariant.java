package io.infertune.runtime.embedded;

/**
 * The variants of all-MiniLM-L6-v2 that the embedded runtime can serve, with the names of their
 * files at the root of the Maven model jars ({@code dev.langchain4j:langchain4j-embeddings-*}).
 */
public enum ModelVariant {
  /** Full precision: the reference that {@link Agreement} compares against. */
  FP32("fp32", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json"),
  /** Dynamically quantized int8 weights: 2-3x faster on CPU, slightly different embeddings. */
  INT8("int8", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json");

  private final String knobValue;
  private final String onnxResource;
  private final String tokenizerResource;

  ModelVariant(String knobValue, String onnxResource, String tokenizerResource) {
    this.knobValue = knobValue;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
  }

  /** The value of the {@code quantization} knob that selects this variant. */
  public String knobValue() {
    return knobValue;
  }

  /** The name of the {@code .onnx} file at the root of the classpath. */
  public String onnxResource() {
    return onnxResource;
  }

  /** The name of the {@code tokenizer.json} file at the root of the classpath. */
  public String tokenizerResource() {
    return tokenizerResource;
  }

  /**
   * The variant for a {@code quantization} knob value.
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static ModelVariant fromKnobValue(String value) {
    for (ModelVariant v : values()) {
      if (v.knobValue.equals(value)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "quantization must be 'fp32' or 'int8', got '" + value + "'");
  }
}
