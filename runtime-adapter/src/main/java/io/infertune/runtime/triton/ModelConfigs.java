package io.infertune.runtime.triton;

import static io.infertune.runtime.triton.TritonRuntimeAdapter.DYNAMIC_BATCHING;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.INSTANCE_COUNT;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.INSTANCE_KIND;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.MAX_BATCH_SIZE;
import static io.infertune.runtime.triton.TritonRuntimeAdapter.MAX_QUEUE_DELAY_US;

import com.fasterxml.jackson.core.JsonGenerator;
import io.infertune.runtime.embedded.JsonValue;
import io.infertune.tuner.space.Configuration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the knobs out of a Triton model configuration and writes the configuration override that
 * puts other values in force. The JSON is that of {@code GET v2/models/{name}/config}: the
 * ModelConfig message of triton-inference-server/common protobuf/model_config.proto with its field
 * names ({@code max_batch_size}, {@code dynamic_batching.max_queue_delay_microseconds}, {@code
 * instance_group[].kind|count|gpus}), 64-bit integers as JSON numbers (Triton converts protobuf's
 * strings back) but read leniently from strings too.
 */
final class ModelConfigs {
  static final String ON = "on";
  static final String OFF = "off";
  static final String KIND_GPU = "KIND_GPU";

  private ModelConfigs() {}

  /**
   * The knob values {@code config} holds: {@code max_queue_delay_us} only when dynamic batching is
   * on. With several instance groups, the first one's kind and count.
   */
  static Configuration knobsOf(JsonValue config) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(MAX_BATCH_SIZE, longOf(config.path("max_batch_size"), 0));
    JsonValue dynamic = config.path("dynamic_batching");
    if (dynamic.isObject()) {
      out.put(DYNAMIC_BATCHING, ON);
      out.put(MAX_QUEUE_DELAY_US, longOf(dynamic.path("max_queue_delay_microseconds"), 0));
    } else {
      out.put(DYNAMIC_BATCHING, OFF);
    }
    JsonValue group = config.path("instance_group").path(0);
    // Triton fills in count 1 and a kind for a group that names neither (NormalizeInstanceGroup);
    // a configuration from the server always has both.
    out.put(INSTANCE_COUNT, Math.max(1, longOf(group.path("count"), 1)));
    out.put(INSTANCE_KIND, group.path("kind").asText(KIND_GPU));
    return new Configuration(out);
  }

  /**
   * Why the adapter cannot tune {@code model} with this configuration, if it cannot: it does not
   * batch (its inputs then have no batch dimension, so a max_batch_size would change their
   * meaning), or it is scheduled by the sequence batcher or as an ensemble, which the dynamic
   * batching and instance group knobs do not apply to.
   */
  static List<String> untunable(JsonValue config) {
    List<String> why = new ArrayList<>();
    if (longOf(config.path("max_batch_size"), 0) < 1) {
      why.add("max_batch_size is 0: the model does not batch");
    }
    if (config.path("sequence_batching").isObject()) {
      why.add("it uses the sequence batcher (a stateful model)");
    }
    if (config.path("ensemble_scheduling").isObject()) {
      why.add("it is an ensemble, which has no instances of its own");
    }
    return why;
  }

  /** The one input the adapter feeds: a string tensor of one element per request. */
  record TextInput(String name, List<Long> shape) {}

  /**
   * The model's text input, or an explanation of why there is none: every input but one must be
   * optional, and that one must be {@code TYPE_STRING} (protocol datatype {@code BYTES}) with one
   * element, so that a request is one text.
   */
  static TextInput textInput(JsonValue config, String model) {
    List<JsonValue> required = new ArrayList<>();
    for (JsonValue input : config.path("input").elements()) {
      if (!input.path("optional").asBoolean(false)) {
        required.add(input);
      }
    }
    if (required.size() == 1
        && required.get(0).path("data_type").asText("").equals("TYPE_STRING")) {
      JsonValue in = required.get(0);
      // Requests carry the batch dimension in front of the configured dims (max_batch_size > 0).
      List<Long> shape = new ArrayList<>(List.of(1L));
      boolean single = true;
      for (JsonValue d : in.path("dims").elements()) {
        long dim = longOf(d, 0);
        single &= dim == 1 || dim == -1;
        shape.add(1L);
      }
      if (single) {
        return new TextInput(in.path("name").asText(""), List.copyOf(shape));
      }
    }
    List<String> described = new ArrayList<>();
    for (JsonValue input : config.path("input").elements()) {
      described.add(
          input.path("name").asText("?")
              + " "
              + input.path("data_type").asText("?")
              + " dims "
              + dims(input.path("dims")));
    }
    throw new IllegalArgumentException(
        "the triton adapter sends each request's text as one BYTES element, so it needs a model"
            + " with one required TYPE_STRING input of one element; '"
            + model
            + "' has "
            + described);
  }

  /**
   * {@code current} with the knobs of {@code knobs} laid over it, as the JSON string a load takes:
   * every field the knobs do not cover is copied as it is. Dynamic batching off removes the {@code
   * dynamic_batching} field (which is how Triton turns the batcher off); on keeps the batcher's
   * other settings from {@code current}, or from {@code baseline} (the configuration the adapter
   * first saw) when {@code current} has none. The instance groups become one group of the given
   * kind and count, keeping the first group's other fields; its {@code gpus} are kept only when the
   * kind stays {@code KIND_GPU} (Triton rejects a {@code KIND_CPU} group that names GPUs, and
   * places a {@code KIND_GPU} group without any on every GPU).
   *
   * <p>Preferred batch sizes equal to {@code [max_batch_size]} are left out: that is what Triton
   * writes into a configuration that names none ("If preferred batch size is not specified set it
   * to max-batch-size", NormalizeModelConfig in triton-inference-server/core
   * src/model_config_utils.cc), so the configuration read back always has them, and copying them
   * would make every smaller {@code max_batch_size} invalid ("dynamic batching preferred size must
   * be <= max batch size"). Left out, Triton fills in the new maximum.
   */
  static String override(JsonValue current, Configuration knobs, JsonValue baseline) {
    boolean batching = ON.equals(knobs.getString(DYNAMIC_BATCHING));
    long delay = batching ? knobs.getLong(MAX_QUEUE_DELAY_US) : 0;
    return TritonClient.write(
        g -> {
          g.writeStartObject();
          boolean wroteMaxBatch = false;
          boolean wroteGroups = false;
          for (var e : current.members().entrySet()) {
            switch (e.getKey()) {
              case "max_batch_size" -> {
                g.writeNumberField("max_batch_size", knobs.getLong(MAX_BATCH_SIZE));
                wroteMaxBatch = true;
              }
              case "dynamic_batching" -> {
                if (batching && e.getValue().isObject()) {
                  writeDynamicBatching(g, current, delay);
                }
              }
              case "instance_group" -> {
                writeInstanceGroup(g, e.getValue(), knobs);
                wroteGroups = true;
              }
              default -> {
                g.writeFieldName(e.getKey());
                e.getValue().writeTo(g);
              }
            }
          }
          if (!wroteMaxBatch) {
            g.writeNumberField("max_batch_size", knobs.getLong(MAX_BATCH_SIZE));
          }
          if (batching && !current.path("dynamic_batching").isObject()) {
            writeDynamicBatching(g, baseline, delay);
          }
          if (!wroteGroups) {
            writeInstanceGroup(g, JsonValue.MISSING, knobs);
          }
          g.writeEndObject();
        });
  }

  /** The {@code dynamic_batching} of {@code config} (or an empty one) with the given delay. */
  private static void writeDynamicBatching(JsonGenerator g, JsonValue config, long delayMicros)
      throws IOException {
    JsonValue base = config.path("dynamic_batching");
    long maxBatch = longOf(config.path("max_batch_size"), 0);
    g.writeObjectFieldStart("dynamic_batching");
    for (var e : base.members().entrySet()) {
      String field = e.getKey();
      if (field.equals("max_queue_delay_microseconds")
          || (field.equals("preferred_batch_size") && isJust(e.getValue(), maxBatch))) {
        continue;
      }
      g.writeFieldName(field);
      e.getValue().writeTo(g);
    }
    g.writeNumberField("max_queue_delay_microseconds", delayMicros);
    g.writeEndObject();
  }

  /** Whether {@code sizes} is the one-element array {@code [value]}. */
  private static boolean isJust(JsonValue sizes, long value) {
    return sizes.elements().size() == 1 && longOf(sizes.path(0), -1) == value;
  }

  private static void writeInstanceGroup(JsonGenerator g, JsonValue groups, Configuration knobs)
      throws IOException {
    String kind = knobs.getString(INSTANCE_KIND);
    JsonValue first = groups.path(0);
    boolean keepGpus = kind.equals(KIND_GPU) && first.path("kind").asText("").equals(KIND_GPU);
    g.writeArrayFieldStart("instance_group");
    g.writeStartObject();
    for (var e : first.members().entrySet()) {
      String field = e.getKey();
      if (field.equals("kind") || field.equals("count") || (field.equals("gpus") && !keepGpus)) {
        continue;
      }
      g.writeFieldName(field);
      e.getValue().writeTo(g);
    }
    g.writeNumberField("count", knobs.getLong(INSTANCE_COUNT));
    g.writeStringField("kind", kind);
    g.writeEndObject();
    g.writeEndArray();
  }

  /** A JSON integer, or its decimal string as protobuf's JSON writes 64-bit integers. */
  static long longOf(JsonValue v, long otherwise) {
    if (v.isNumber()) {
      return v.asLong(otherwise);
    }
    if (v.isString()) {
      try {
        return Long.parseLong(v.asText("").strip());
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
    return otherwise;
  }

  private static String dims(JsonValue dims) {
    List<String> out = new ArrayList<>();
    for (JsonValue d : dims.elements()) {
      out.add(d.asText("?"));
    }
    return out.toString();
  }
}
