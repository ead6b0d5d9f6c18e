package io.infertune.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infertune.api.CampaignRequests;
import io.infertune.api.Infertune;
import io.infertune.api.ServiceConfig;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Trial;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API under read load while a campaign runs: seeds a fresh data dir with {@code campaigns ×
 * trials} trials through the store API, starts the service in this JVM (no rate limit, as {@code
 * serve --rate-limit 0}), starts a campaign on the embedded runtime whose every trial measures the
 * same configuration, and then
 *
 * <ol>
 *   <li>sweeps {@code wrk} (closed loop, {@code -c} connections) over the campaign listing and a
 *       trial page, each level {@code repeats} times: requests/s and p99;
 *   <li>alternates phases with no API load, with a fixed 200 requests/s from an open-loop driver
 *       (latency from each request's scheduled time, so a stall is not hidden: no coordinated
 *       omission), and with {@code wrk} saturating the API, and compares the campaign's throughput
 *       per trial across them.
 * </ol>
 *
 * Not a test: run it by hand (see experiments/RESULTS.md) on a machine as quiet as possible. Needs
 * {@code wrk} on the PATH ({@code apt-get install wrk}).
 */
public final class ApiLoadBenchmark {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int campaigns;
  private final int trialsPerCampaign;
  private final List<Integer> levels;
  private final int levelSeconds;
  private final int repeats;
  private final int phaseSeconds;
  private final int cycles;
  private final double fixedRate;
  private final Path dataDir;

  /** Knobs pushed to the embedded runtime before the probe campaign starts (a JSON object). */
  private final Optional<String> probeConfig;

  /** The loaded phases of each cycle, each after a quiet one: fixed, revalidate, wrk, control. */
  private final List<String> phaseKinds;

  private String base;

  private ApiLoadBenchmark(Map<String, String> options) throws IOException {
    campaigns = Integer.parseInt(options.getOrDefault("campaigns", "100"));
    trialsPerCampaign = Integer.parseInt(options.getOrDefault("trials", "100"));
    String levelList = options.getOrDefault("levels", "1,8,32,64,128");
    levels =
        levelList.equals("none")
            ? List.of()
            : Arrays.stream(levelList.split(",")).map(Integer::parseInt).toList();
    probeConfig = Optional.ofNullable(options.get("probe-config"));
    phaseKinds = List.of(options.getOrDefault("phases", "fixed,revalidate,wrk").split(","));
    levelSeconds = Integer.parseInt(options.getOrDefault("level-seconds", "5"));
    repeats = Integer.parseInt(options.getOrDefault("repeats", "3"));
    phaseSeconds = Integer.parseInt(options.getOrDefault("phase-seconds", "20"));
    cycles = Integer.parseInt(options.getOrDefault("cycles", "3"));
    fixedRate = Double.parseDouble(options.getOrDefault("rate", "200"));
    dataDir =
        options.containsKey("data-dir")
            ? Path.of(options.get("data-dir"))
            : Files.createTempDirectory("infertune-load");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    new ApiLoadBenchmark(options).run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.printf(
        "data dir %s; %d campaigns x %d trials; wrk levels %s x %d s x %d repeats%n",
        dataDir, campaigns, trialsPerCampaign, levels, levelSeconds, repeats);
    try (Infertune service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir))) {
      base = "http://127.0.0.1:" + service.port();
      long seedStart = System.nanoTime();
      seed(service);
      System.out.printf(
          "seeded %d trials in %.1f s%n",
          campaigns * trialsPerCampaign, (System.nanoTime() - seedStart) / 1e9);

      String page = "/api/v1/campaigns/seed-" + (campaigns / 2) + "/trials";
      Map<String, String> endpoints =
          new java.util.TreeMap<>(
              Map.of(
                  "GET /api/v1/campaigns",
                  "/api/v1/campaigns",
                  "GET /api/v1/campaigns/{id}/trials (all 100)",
                  page,
                  "GET /api/v1/campaigns/{id}/trials?limit=20",
                  page + "?limit=20"));
      System.out.println();
      System.out.println(
          "| campaign | endpoint | connections | requests/s (median) | p99 ms (median) | non-2xx |");
      System.out.println("|---|---|---:|---:|---:|---:|");
      // Untimed: the JIT compiles the request path before anything is measured.
      openLoop(List.copyOf(endpoints.values()), fixedRate, 10);
      sweep("none", endpoints);
      OpenLoopResult idle = openLoop(List.copyOf(endpoints.values()), fixedRate, phaseSeconds);
      if (probeConfig.isPresent()) {
        HttpResponse<String> pushed =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/runtimes/embedded/config"))
                    .header("content-type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"configuration\": " + probeConfig.get() + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (pushed.statusCode() != 200) {
          throw new IllegalStateException(
              "cannot push " + probeConfig.get() + ": " + pushed.body());
        }
        System.out.println("pushed to the embedded runtime before the probe: " + probeConfig.get());
      }
      String probe = startProbeCampaign();
      awaitTrials(probe, 2, Duration.ofMinutes(3));
      sweep("running", endpoints);

      System.out.println();
      System.out.println("phases (campaign throughput per trial, fixed configuration):");
      List<Phase> phases = new ArrayList<>();
      List<OpenLoopResult> fixed = new ArrayList<>();
      List<OpenLoopResult> revalidating = new ArrayList<>();
      List<OpenLoopResult> controls = new ArrayList<>();
      // A control: the same open loop against a bare JDK HTTP server in this JVM answering a
      // fixed 40 KB body, to tell the load tool's own cost from the API's.
      com.sun.net.httpserver.HttpServer control = controlServer();
      String controlBase = "http://127.0.0.1:" + control.getAddress().getPort();
      for (int cycle = 0; cycle < cycles; cycle++) {
        for (String kind : phaseKinds) {
          phases.add(quiet());
          Instant start = Instant.now();
          String label;
          switch (kind) {
            case "fixed" -> {
              fixed.add(
                  openLoop(base, List.copyOf(endpoints.values()), fixedRate, phaseSeconds, false));
              label = "fixed " + (int) fixedRate + "/s";
            }
            case "revalidate" -> {
              revalidating.add(
                  openLoop(base, List.copyOf(endpoints.values()), fixedRate, phaseSeconds, true));
              label = "fixed " + (int) fixedRate + "/s, If-None-Match";
            }
            case "wrk" -> {
              wrk("/api/v1/campaigns", 32, phaseSeconds);
              label = "wrk 32 connections";
            }
            case "control" -> {
              controls.add(openLoop(controlBase, List.of("/"), fixedRate, phaseSeconds, false));
              label = "control: " + (int) fixedRate + "/s to a bare JDK server";
            }
            default -> throw new IllegalArgumentException("unknown phase " + kind);
          }
          phases.add(new Phase(label, start, Instant.now()));
        }
      }
      control.stop(0);
      System.out.println();
      System.out.printf(
          "| open loop, %d requests/s over the three endpoints | achieved/s | p50 ms | p99 ms |"
              + " max ms | errors |%n",
          (int) fixedRate);
      System.out.println("|---|---:|---:|---:|---:|---:|");
      printOpenLoop("no campaign", idle);
      for (int i = 0; i < fixed.size(); i++) {
        printOpenLoop("campaign running, run " + (i + 1), fixed.get(i));
      }
      for (int i = 0; i < revalidating.size(); i++) {
        printOpenLoop("campaign running, If-None-Match, run " + (i + 1), revalidating.get(i));
      }
      Thread.sleep(Duration.ofSeconds(8)); // the last phase's trials finish
      report(probe, phases);
      HTTP.send(
          HttpRequest.newBuilder(URI.create(base + "/api/v1/campaigns/" + probe + "/stop"))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  /** {@code wrk} at each level on each endpoint, {@code repeats} times; one table row each. */
  private void sweep(String campaign, Map<String, String> endpoints) throws Exception {
    for (Map.Entry<String, String> e : endpoints.entrySet()) {
      for (int c : levels) {
        List<WrkResult> runs = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
          runs.add(wrk(e.getValue(), c, levelSeconds));
        }
        System.out.printf(
            "| %s | `%s` | %d | %.0f | %.1f | %d |%n",
            campaign,
            e.getKey(),
            c,
            median(runs.stream().mapToDouble(WrkResult::requestsPerSecond).toArray()),
            median(runs.stream().mapToDouble(WrkResult::p99Millis).toArray()),
            runs.stream().mapToLong(WrkResult::non2xx).sum());
      }
    }
  }

  /** {@code campaigns × trials} completed trials, stored as a campaign runner would. */
  private void seed(Infertune service) throws IOException {
    TrialStore store = service.store();
    CampaignSpec spec =
        new CampaignRequests(service.runtimes())
            .parse(
                MAPPER.readTree("{\"runtime\": \"embedded\", \"budget\": {\"maxTrials\": 100}}"));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    java.util.Random random = new java.util.Random(1);
    for (int c = 0; c < campaigns; c++) {
      String id = "seed-" + c;
      Instant created = t0.plusSeconds(3600L * c);
      store.createCampaign(
          Campaign.created(id, spec, "benchmark", created)
              .finished(CampaignStatus.COMPLETED, "seeded", created.plusSeconds(3000)));
      for (int n = 0; n < trialsPerCampaign; n++) {
        double rps = 100 + 50 * random.nextDouble();
        Instant started = created.plusSeconds(20L * n);
        Measurement m =
            new Measurement(
                Map.of(
                    "throughput_rps", MetricSummary.ofValue(rps),
                    "latency_p95_ms", MetricSummary.ofValue(20 + 10 * random.nextDouble()),
                    "accuracy", MetricSummary.ofValue(0.99)),
                Duration.ofSeconds(10));
        Configuration cfg =
            Configuration.of(
                "batch_size", 1 << random.nextInt(8), "cache_entries", random.nextInt(100_000));
        store.saveTrial(
            Trial.running(id, n, cfg, n == 0, started)
                .measured(m, rps, Optional.empty(), started.plusSeconds(15)));
      }
    }
  }

  /**
   * A campaign whose every trial measures (nearly) the same configuration: only the cache size
   * varies, between 0 and 100 entries, under a workload of a million distinct inputs, so hits are
   * negligible and each trial is one more sample of the same throughput.
   */
  private String startProbeCampaign() throws Exception {
    String body =
        """
        {"runtime": "embedded", "name": "load probe",
         "parameters": [{"name": "cache_entries", "type": "int", "min": 0, "max": 100}],
         "objective": {"metric": "throughput_rps", "direction": "maximize"},
         "constraints": [],
         "strategy": {"type": "random", "seed": 1},
         "budget": {"maxTrials": 100, "maxDurationSeconds": 3600},
         "measurement": {"warmupSeconds": 1, "windowSeconds": 4, "minWindowSeconds": 4,
                         "sampleIntervalSeconds": 0.5, "pruning": false,
                         "remeasureIncumbentEvery": 0},
         "workload": {"mode": "closed_loop", "concurrency": 4, "distinctInputs": 1000000,
                      "zipfExponent": 0.0, "seed": 1}}
        """;
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/campaigns"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("probe campaign refused: " + r.body());
    }
    return MAPPER.readTree(r.body()).get("id").asText();
  }

  private JsonNode trials(String campaign) throws Exception {
    return MAPPER
        .readTree(
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create(base + "/api/v1/campaigns/" + campaign + "/trials"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body())
        .get("trials");
  }

  private void awaitTrials(String campaign, int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (finished(trials(campaign)) < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the probe campaign finished no trials in " + timeout);
      }
      Thread.sleep(500);
    }
  }

  private static int finished(JsonNode trials) {
    int n = 0;
    for (JsonNode t : trials) {
      n += t.has("finishedAt") ? 1 : 0;
    }
    return n;
  }

  private record Phase(String load, Instant start, Instant end) {}

  private Phase quiet() throws InterruptedException {
    Instant start = Instant.now();
    Thread.sleep(Duration.ofSeconds(phaseSeconds));
    return new Phase("none", start, Instant.now());
  }

  /**
   * The probe's throughput per trial that ran wholly within a phase, by the phase's load, with the
   * CPU shares its windows recorded and a comparison with the trials of the phases without load.
   */
  private void report(String probe, List<Phase> phases) throws Exception {
    Map<String, List<JsonNode>> byLoad = new java.util.TreeMap<>();
    for (JsonNode t : trials(probe)) {
      if (!t.has("finishedAt") || !t.path("measurement").has("metrics")) {
        continue;
      }
      Instant s = Instant.parse(t.get("startedAt").asText());
      Instant f = Instant.parse(t.get("finishedAt").asText());
      for (Phase p : phases) {
        if (!s.isBefore(p.start()) && !f.isAfter(p.end())) {
          byLoad.computeIfAbsent(p.load(), k -> new ArrayList<>()).add(t.get("measurement"));
        }
      }
    }
    System.out.println();
    System.out.println(
        "| API load during the trial | trials | throughput_rps median [min, max] | ratio to none |"
            + " Mann-Whitney p | latency p95 ms median | API CPU share median | others' CPU"
            + " share median |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    double[] none = values(byLoad.getOrDefault("none", List.of()), "/metrics/throughput_rps/mean");
    for (String load : byLoad.keySet()) {
      List<JsonNode> ms = byLoad.get(load);
      double[] v = values(ms, "/metrics/throughput_rps/mean");
      boolean comparable = !load.equals("none") && none.length > 1 && v.length > 1;
      System.out.printf(
          "| %s | %d | %.1f [%.1f, %.1f] | %s | %s | %.1f | %.3f | %.3f |%n",
          load,
          v.length,
          median(v),
          Arrays.stream(v).min().orElse(Double.NaN),
          Arrays.stream(v).max().orElse(Double.NaN),
          comparable ? String.format("%.3f", median(v) / median(none)) : "",
          comparable
              ? String.format(
                  "%.3f",
                  new org.apache.commons.math3.stat.inference.MannWhitneyUTest()
                      .mannWhitneyUTest(v, none))
              : "",
          median(values(ms, "/metrics/latency_ms/p95")),
          median(values(ms, "/report/serviceCpuShare")),
          median(values(ms, "/report/othersCpuShare")));
    }
    compareWithControl(byLoad);
  }

  /**
   * The API's phases against the control's (the same open loop at a bare JDK server): what the API
   * costs the campaign beyond what the load itself does.
   */
  private static void compareWithControl(Map<String, List<JsonNode>> byLoad) {
    Optional<String> control =
        byLoad.keySet().stream().filter(k -> k.startsWith("control")).findFirst();
    if (control.isEmpty()) {
      return;
    }
    double[] c = values(byLoad.get(control.get()), "/metrics/throughput_rps/mean");
    System.out.println();
    System.out.println("| API load during the trial | ratio to the control | Mann-Whitney p |");
    System.out.println("|---|---:|---:|");
    for (String load : byLoad.keySet()) {
      if (load.equals("none") || load.equals(control.get())) {
        continue;
      }
      double[] v = values(byLoad.get(load), "/metrics/throughput_rps/mean");
      if (v.length > 1 && c.length > 1) {
        System.out.printf(
            "| %s | %.3f | %.3f |%n",
            load,
            median(v) / median(c),
            new org.apache.commons.math3.stat.inference.MannWhitneyUTest().mannWhitneyUTest(v, c));
      }
    }
  }

  /** The numbers at {@code pointer} in each measurement that has one. */
  private static double[] values(List<JsonNode> measurements, String pointer) {
    return measurements.stream()
        .map(m -> m.at(pointer))
        .filter(JsonNode::isNumber)
        .mapToDouble(JsonNode::asDouble)
        .toArray();
  }

  private record WrkResult(double requestsPerSecond, double p99Millis, long non2xx) {}

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern P99 = Pattern.compile("\\n\\s*99%\\s+([0-9.]+)(us|ms|s)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

  /** One run of {@code wrk --latency} (closed loop: each connection waits for its answer). */
  private WrkResult wrk(String path, int connections, int seconds) throws Exception {
    Process p =
        new ProcessBuilder(
                "wrk",
                "-t",
                String.valueOf(Math.min(2, connections)),
                "-c",
                String.valueOf(connections),
                "-d",
                seconds + "s",
                "--timeout",
                "10s",
                "--latency",
                base + path)
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    Matcher rps = RPS.matcher(out);
    Matcher p99 = P99.matcher(out);
    if (!rps.find() || !p99.find()) {
      throw new IllegalStateException("cannot read wrk's output:\n" + out);
    }
    double value = Double.parseDouble(p99.group(1));
    double millis =
        switch (p99.group(2)) {
          case "us" -> value / 1000;
          case "s" -> value * 1000;
          default -> value;
        };
    Matcher non2xx = NON_2XX.matcher(out);
    return new WrkResult(
        Double.parseDouble(rps.group(1)),
        millis,
        non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
  }

  private static void printOpenLoop(String label, OpenLoopResult o) {
    System.out.printf(
        "| %s | %.0f | %.1f | %.1f | %.1f | %d |%n",
        label, o.achieved(), o.p50(), o.p99(), o.max(), o.errors());
  }

  private record OpenLoopResult(double achieved, double p50, double p99, double max, long errors) {}

  /**
   * Sends {@code rate} requests a second, round robin over {@code paths}, each at its scheduled
   * time whether or not earlier ones have been answered; latency counts from the scheduled time.
   */
  private OpenLoopResult openLoop(List<String> paths, double rate, int seconds)
      throws InterruptedException {
    return openLoop(base, paths, rate, seconds, false);
  }

  /**
   * As above; with {@code revalidate}, each request sends the ETag of the last 200 answer to its
   * path in {@code If-None-Match}, as a browser or a polling script does, and a 304 counts as
   * answered.
   */
  private OpenLoopResult openLoop(
      String target, List<String> paths, double rate, int seconds, boolean revalidate)
      throws InterruptedException {
    Map<String, String> etags = new java.util.concurrent.ConcurrentHashMap<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong errors = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    long periodNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    long total = (long) (rate * seconds);

    timer.scheduleAtFixedRate(
        () -> {
          long i = sent.getAndIncrement();
          if (i >= total) {
            return;
          }
          long scheduled = start + i * periodNanos;
          String path = paths.get((int) (i % paths.size()));
          HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + path));
          String etag = etags.get(path);
          if (revalidate && etag != null) {
            request.header("if-none-match", etag);
          }
          HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (r, e) -> {
                    if (e != null || (r.statusCode() != 200 && r.statusCode() != 304)) {
                      errors.incrementAndGet();
                      return;
                    }
                    latencies.add(System.nanoTime() - scheduled);
                    if (r.statusCode() == 200) {
                      r.headers().firstValue("etag").ifPresent(t -> etags.put(path, t));
                    }
                  });
        },
        0,
        periodNanos,
        TimeUnit.NANOSECONDS);
    Thread.sleep(Duration.ofSeconds(seconds));
    timer.shutdownNow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (latencies.size() + errors.get() < Math.min(total, sent.get())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double[] ms = latencies.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
    return new OpenLoopResult(
        ms.length / Math.max(elapsed, seconds),
        quantile(ms, 0.50),
        quantile(ms, 0.99),
        ms.length == 0 ? Double.NaN : ms[ms.length - 1],
        errors.get());
  }

  /** A JDK HTTP server on loopback answering every request with the same 40 KB of JSON. */
  private static com.sun.net.httpserver.HttpServer controlServer() throws IOException {
    byte[] body =
        ("{\"padding\": \"" + "x".repeat(40_000) + "\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    return server;
  }

  /** The empirical quantile of sorted values (nearest rank). */
  private static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
