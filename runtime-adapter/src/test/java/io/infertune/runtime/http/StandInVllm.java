package io.infertune.runtime.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Stands in for {@code vllm serve}, which needs a GPU, so that the {@code vllm} launch profile runs
 * against a real separate process speaking vLLM's protocol: its command line is parsed the way
 * vLLM's argparse parser does (the flags the profile uses and a few more, {@code --flag value} and
 * {@code --flag=value}; an unknown flag, a malformed number or a value outside a flag's choices
 * ends the program with argparse's usage line, its error line and exit code 2); the server listens
 * only once the "model" is loaded, as vLLM's does; it answers {@code GET /health}, {@code GET
 * /v1/models}, {@code POST /v1/completions} and {@code GET /metrics} with vLLM's metric names,
 * labels and histogram buckets, {@code vllm:cache_config_info} included, its labels written as
 * Python's {@code str()} writes them.
 *
 * <p>The simulated machine has one GPU of 80 GiB: {@code --tensor-parallel-size} above 1 fails like
 * vLLM does without enough GPUs; {@code --gpu-memory-utilization} above 0.93 fails vLLM's
 * free-memory check; a profile run with {@code --max-num-batched-tokens} of 32768 or more at a
 * utilization above 0.85 runs out of CUDA memory, with PyTorch's message. Environment: {@code
 * STANDIN_VLLM_STARTUP_MS} delays listening (model loading); {@code STANDIN_VLLM_IGNORE=<label>}
 * reports that label's default in {@code vllm:cache_config_info}, as a server that did not take a
 * flag would.
 */
public final class StandInVllm {
  private static final String PROG = "vllm serve";
  private static final JsonFactory JSON = new JsonFactory();

  /** vLLM's buckets of {@code vllm:e2e_request_latency_seconds}. */
  private static final double[] E2E_BUCKETS = {
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
    480.0, 960.0, 1920.0, 7680.0
  };

  /** What {@code vllm:cache_config_info} says of a setting the server did not take. */
  private static final Map<String, String> REPORTED_DEFAULTS =
      Map.of(
          "cache_dtype", "auto", "enable_prefix_caching", "True", "gpu_memory_utilization", "0.9");

  private static final Set<String> KV_CACHE_DTYPES =
      Set.of("auto", "bfloat16", "fp8", "fp8_e4m3", "fp8_e5m2", "fp8_inc");
  private static final Set<String> QUANTIZATIONS =
      Set.of(
          "awq", "fp8", "gptq", "gptq_marlin", "awq_marlin", "bitsandbytes", "compressed-tensors");

  /** Flags that take a value, with the type argparse converts them to. */
  private static final Map<String, String> VALUED =
      Map.ofEntries(
          Map.entry("--host", "str"),
          Map.entry("--port", "int"),
          Map.entry("--max-num-seqs", "int"),
          Map.entry("--max-num-batched-tokens", "int"),
          Map.entry("--gpu-memory-utilization", "float"),
          Map.entry("--kv-cache-dtype", "str"),
          Map.entry("--quantization", "str"),
          Map.entry("-q", "str"),
          Map.entry("--tensor-parallel-size", "int"),
          Map.entry("-tp", "int"),
          Map.entry("--served-model-name", "str"),
          Map.entry("--max-model-len", "int"),
          Map.entry("--block-size", "int"),
          Map.entry("--seed", "int"),
          Map.entry("--dtype", "str"));

  private static final Set<String> SWITCHES =
      Set.of(
          "--enable-prefix-caching",
          "--no-enable-prefix-caching",
          "--enforce-eager",
          "--trust-remote-code");

  private final Map<String, String> args;
  private final String model;
  private final String ignore;
  private final AtomicLong success = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong generationTokens = new AtomicLong();
  private final AtomicLong running = new AtomicLong();
  private final AtomicLongArray e2eBuckets = new AtomicLongArray(E2E_BUCKETS.length + 1);
  private final AtomicLong e2eSumNanos = new AtomicLong();

  private StandInVllm(Map<String, String> args, String model, String ignore) {
    this.args = args;
    this.model = model;
    this.ignore = ignore;
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0 || !argv[0].equals("serve")) {
      fail("the following arguments are required: subparser");
    }
    Map<String, String> args = new TreeMap<>();
    List<String> positionals = new ArrayList<>();
    List<String> unrecognized = new ArrayList<>();
    for (int i = 1; i < argv.length; i++) {
      String a = argv[i];
      String value = null;
      if (a.startsWith("-") && a.contains("=")) {
        value = a.substring(a.indexOf('=') + 1);
        a = a.substring(0, a.indexOf('='));
      }
      if (SWITCHES.contains(a) && value == null) {
        args.put(a, "");
      } else if (VALUED.containsKey(a)) {
        if (value == null) {
          if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
            fail("argument " + a + ": expected one argument");
          }
          value = argv[++i];
        }
        check(a, value);
        args.put(canonical(a), value);
      } else if (a.startsWith("-")) {
        unrecognized.add(argv[i]);
      } else {
        positionals.add(a);
      }
    }
    if (positionals.size() > 1) {
      unrecognized.addAll(positionals.subList(1, positionals.size()));
    }
    if (!unrecognized.isEmpty()) {
      fail("unrecognized arguments: " + String.join(" ", unrecognized));
    }
    String model = positionals.isEmpty() ? "facebook/opt-125m" : positionals.get(0);
    System.out.println("INFO vllm serve " + model + " with " + args);

    double utilization = Double.parseDouble(args.getOrDefault("--gpu-memory-utilization", "0.9"));
    int tp = Integer.parseInt(args.getOrDefault("--tensor-parallel-size", "1"));
    int batchedTokens = Integer.parseInt(args.getOrDefault("--max-num-batched-tokens", "8192"));
    if (tp > 1) {
      crash(
          "ValueError: The number of required GPUs exceeds the total number of available GPUs in"
              + " the placement group.");
    }
    if (utilization > 0.93) {
      crash(
          String.format(
              Locale.ROOT,
              "ValueError: Free memory on device (74.52/79.19 GiB) on startup is less than desired"
                  + " GPU memory utilization (%s, %.2f GiB). Decrease GPU memory utilization or"
                  + " reduce GPU memory used by other processes.",
              args.get("--gpu-memory-utilization"),
              utilization * 79.19));
    }
    long startup = Long.parseLong(envOr("STANDIN_VLLM_STARTUP_MS", "0"));
    if (startup > 0) {
      Thread.sleep(startup);
    }
    if (batchedTokens >= 32768 && utilization > 0.85) {
      System.err.println("ERROR [core.py:700] EngineCore failed to start.");
      System.err.println("Traceback (most recent call last):");
      System.err.println(
          "  File \"vllm/v1/worker/gpu_worker.py\", line 231, in determine_available_memory");
      crash(
          "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.00 GiB. GPU 0 has a"
              + " total capacity of 79.19 GiB of which 3.12 GiB is free. Including non-PyTorch"
              + " memory, this process has 76.06 GiB memory in use.");
    }
    new StandInVllm(
            args, args.getOrDefault("--served-model-name", model), envOr("STANDIN_VLLM_IGNORE", ""))
        .serve();
  }

  private void serve() throws IOException {
    String host = args.getOrDefault("--host", "0.0.0.0");
    int port = Integer.parseInt(args.getOrDefault("--port", "8000"));
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/health", ex -> send(ex, 200, "text/plain", ""));
    server.createContext("/v1/models", this::models);
    server.createContext("/v1/completions", this::completions);
    server.createContext(
        "/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", page()));
    server.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("INFO:     Shutting down");
                  server.stop(0);
                }));
    System.out.println(
        "INFO:     Uvicorn running on http://" + host + ":" + port + " (Press CTRL+C to quit)");
  }

  private void models(HttpExchange ex) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      g.writeStartObject();
      g.writeStringField("id", model);
      g.writeStringField("object", "model");
      g.writeStringField("owned_by", "vllm");
      g.writeStringField("root", model);
      g.writeNumberField("max_model_len", 4096);
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    }
    send(ex, 200, "application/json", out.toString(StandardCharsets.UTF_8));
  }

  private void completions(HttpExchange ex) throws IOException {
    long start = System.nanoTime();
    if (!ex.getRequestMethod().equals("POST")) {
      send(ex, 405, "application/json", "{\"detail\":\"Method Not Allowed\"}");
      return;
    }
    String prompt = null;
    String requested = null;
    long maxTokens = 16;
    boolean stream = false;
    boolean usage = false;
    try (InputStream in = ex.getRequestBody();
        JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not an object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "prompt" -> prompt = p.getText();
          case "model" -> requested = p.getText();
          case "max_tokens" -> maxTokens = p.getLongValue();
          case "stream" -> stream = p.getBooleanValue();
          case "stream_options" -> {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String option = p.currentName();
              p.nextToken();
              if (option.equals("include_usage")) {
                usage = p.getBooleanValue();
              } else {
                p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      send(ex, 400, "application/json", error("Invalid JSON body", 400));
      return;
    }
    if (requested != null && !requested.equals(model)) {
      send(
          ex, 404, "application/json", error("The model `" + requested + "` does not exist.", 404));
      return;
    }
    if (prompt == null) {
      send(ex, 400, "application/json", error("prompt is required", 400));
      return;
    }
    running.incrementAndGet();
    long promptLength = prompt.isBlank() ? 1 : prompt.strip().split("\\s+").length + 1;
    StringBuilder text = new StringBuilder();
    for (long i = 0; i < maxTokens; i++) {
      text.append(" tok");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", "cmpl-" + success.get());
      g.writeStringField("object", "text_completion");
      g.writeStringField("model", model);
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      g.writeStringField("text", text.toString());
      g.writeStringField("finish_reason", "length");
      g.writeEndObject();
      g.writeEndArray();
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", promptLength);
      g.writeNumberField("completion_tokens", maxTokens);
      g.writeNumberField("total_tokens", promptLength + maxTokens);
      g.writeEndObject();
      g.writeEndObject();
    }
    // Counted before the answer, as vLLM's output processor records a finished request before
    // the frontend writes it: a client that has its answer finds it on /metrics.
    double seconds = (System.nanoTime() - start) / 1e9;
    int bucket = 0;
    while (bucket < E2E_BUCKETS.length && seconds > E2E_BUCKETS[bucket]) {
      bucket++;
    }
    e2eBuckets.incrementAndGet(bucket);
    e2eSumNanos.addAndGet(System.nanoTime() - start);
    promptTokens.addAndGet(promptLength);
    generationTokens.addAndGet(maxTokens);
    success.incrementAndGet();
    running.decrementAndGet();
    if (stream) {
      sendStream(
          ex,
          maxTokens,
          usage ? Optional.of(new long[] {promptLength, maxTokens}) : Optional.empty());
    } else {
      send(ex, 200, "application/json", out.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * A stream as vLLM writes one: a chunk per token, the last with its finish reason, a usage chunk
   * with no choices when {@code stream_options.include_usage} asked for it, then {@code [DONE]}.
   */
  private void sendStream(HttpExchange ex, long tokens, Optional<long[]> usage) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (long i = 0; i < tokens; i++) {
        String finish = i == tokens - 1 ? "\"length\"" : "null";
        event(
            out,
            "{\"id\":\"cmpl-s\",\"object\":\"text_completion\",\"model\":\""
                + model
                + "\",\"choices\":[{\"index\":0,\"text\":\" tok\",\"finish_reason\":"
                + finish
                + "}]}");
      }
      if (usage.isPresent()) {
        long[] u = usage.get();
        event(
            out,
            "{\"id\":\"cmpl-s\",\"object\":\"text_completion\",\"model\":\""
                + model
                + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                + u[0]
                + ",\"completion_tokens\":"
                + u[1]
                + ",\"total_tokens\":"
                + (u[0] + u[1])
                + "}}");
      }
      event(out, "[DONE]");
    }
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private String page() {
    String labels = "engine=\"0\",model_name=\"" + model + "\"";
    StringBuilder sb = new StringBuilder();
    sb.append("# HELP vllm:num_requests_running Number of requests in model execution batches.\n");
    sb.append("# TYPE vllm:num_requests_running gauge\n");
    sb.append("vllm:num_requests_running{")
        .append(labels)
        .append("} ")
        .append(running.get())
        .append(".0\n");
    sb.append("# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n");
    sb.append("# TYPE vllm:num_requests_waiting gauge\n");
    sb.append("vllm:num_requests_waiting{").append(labels).append("} 0.0\n");
    sb.append("# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n");
    sb.append("# TYPE vllm:prompt_tokens_total counter\n");
    sb.append("vllm:prompt_tokens_total{")
        .append(labels)
        .append("} ")
        .append(promptTokens.get())
        .append(".0\n");
    sb.append("# HELP vllm:generation_tokens_total Number of generation tokens processed.\n");
    sb.append("# TYPE vllm:generation_tokens_total counter\n");
    sb.append("vllm:generation_tokens_total{")
        .append(labels)
        .append("} ")
        .append(generationTokens.get())
        .append(".0\n");
    sb.append("# HELP vllm:request_success_total Count of successfully processed requests.\n");
    sb.append("# TYPE vllm:request_success_total counter\n");
    for (String reason : List.of("stop", "length", "abort")) {
      long n = reason.equals("length") ? success.get() : 0;
      sb.append("vllm:request_success_total{")
          .append(labels)
          .append(",finished_reason=\"")
          .append(reason)
          .append("\"} ")
          .append(n)
          .append(".0\n");
    }
    sb.append(
        "# HELP vllm:e2e_request_latency_seconds Histogram of e2e request latency in seconds.\n");
    sb.append("# TYPE vllm:e2e_request_latency_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i <= E2E_BUCKETS.length; i++) {
      cumulative += e2eBuckets.get(i);
      String le = i < E2E_BUCKETS.length ? Double.toString(E2E_BUCKETS[i]) : "+Inf";
      sb.append("vllm:e2e_request_latency_seconds_bucket{")
          .append(labels)
          .append(",le=\"")
          .append(le)
          .append("\"} ")
          .append(cumulative)
          .append(".0\n");
    }
    sb.append("vllm:e2e_request_latency_seconds_count{")
        .append(labels)
        .append("} ")
        .append(cumulative)
        .append(".0\n");
    sb.append("vllm:e2e_request_latency_seconds_sum{")
        .append(labels)
        .append("} ")
        .append(e2eSumNanos.get() / 1e9)
        .append("\n");
    Map<String, String> cache = new LinkedHashMap<>();
    cache.put("block_size", args.getOrDefault("--block-size", "16"));
    cache.put("cache_dtype", args.getOrDefault("--kv-cache-dtype", "auto"));
    cache.put(
        "enable_prefix_caching", args.containsKey("--no-enable-prefix-caching") ? "False" : "True");
    cache.put(
        "gpu_memory_utilization",
        pythonFloat(args.getOrDefault("--gpu-memory-utilization", "0.9")));
    cache.put("swap_space", "4");
    if (cache.containsKey(ignore)) {
      cache.put(
          ignore,
          Map.of(
                  "cache_dtype",
                  "auto",
                  "enable_prefix_caching",
                  "True",
                  "gpu_memory_utilization",
                  "0.9")
              .getOrDefault(ignore, cache.get(ignore)));
    }
    sb.append("# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig\n");
    sb.append("# TYPE vllm:cache_config_info gauge\n");
    sb.append("vllm:cache_config_info{");
    cache.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
    sb.append("engine=\"0\"} 1.0\n");
    return sb.toString();
  }

  private static String pythonFloat(String s) {
    return Double.toString(Double.parseDouble(s));
  }

  private static String error(String message, int code) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeStringField("type", code == 404 ? "NotFoundError" : "BadRequestError");
      g.writeNullField("param");
      g.writeNumberField("code", code);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void check(String flag, String value) {
    String type = VALUED.get(flag);
    try {
      switch (type) {
        case "int" -> Integer.parseInt(value);
        case "float" -> Double.parseDouble(value);
        default -> {}
      }
    } catch (NumberFormatException e) {
      fail("argument " + flag + ": invalid " + type + " value: '" + value + "'");
    }
    if (flag.equals("--kv-cache-dtype") && !KV_CACHE_DTYPES.contains(value)) {
      fail(choice(flag, value, KV_CACHE_DTYPES));
    }
    if ((flag.equals("--quantization") || flag.equals("-q")) && !QUANTIZATIONS.contains(value)) {
      fail(choice(flag, value, QUANTIZATIONS));
    }
  }

  private static String choice(String flag, String value, Set<String> choices) {
    return "argument "
        + flag
        + ": invalid choice: '"
        + value
        + "' (choose from "
        + String.join(", ", new java.util.TreeSet<>(choices))
        + ")";
  }

  private static String canonical(String flag) {
    return switch (flag) {
      case "-q" -> "--quantization";
      case "-tp" -> "--tensor-parallel-size";
      default -> flag;
    };
  }

  private static String envOr(String name, String otherwise) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? otherwise : v;
  }

  /** argparse's way out: the usage line, the error, exit code 2. */
  private static void fail(String message) {
    System.err.println("usage: " + PROG + " [model_tag] [options]");
    System.err.println(PROG + ": error: " + message);
    System.exit(2);
  }

  /** An engine that fails after parsing: the exception's last line and exit code 1. */
  private static void crash(String message) {
    System.err.println(message);
    System.exit(1);
  }
}
