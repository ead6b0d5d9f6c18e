package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The client commands ({@code campaign}, {@code trials}, {@code runtime list|show}, {@code deploy},
 * {@code schedule}) run in-process through {@link Main}'s picocli command line against a real
 * service on loopback: what they print and the exit codes scripts rely on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliCommandsTest {
  @TempDir static Path dataDir;
  @TempDir static Path files;
  private static Infertune service;
  private static HttpJson http;
  private static String url;

  /** Three trials of about a second each, promotion short and unwatched. */
  private static final String SMALL_CAMPAIGN_YAML =
      """
      # a campaign spec in YAML, as the REST API takes it in JSON
      runtime: embedded
      name: cli campaign
      strategy: {type: random, seed: 2}
      budget: {maxTrials: 3}
      parameters:
        - {name: batch_size, type: ordinal, values: [2, 4, 8]}
        - {name: thread_spinning, type: categorical, values: [on, off]}
      measurement: {warmupSeconds: 0.2, windowSeconds: 1, sampleIntervalSeconds: 0.5}
      workload: {concurrency: 4}
      promotion: {roundsPerArm: 2, watchSeconds: 0}
      """;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
    url = "http://127.0.0.1:" + service.port();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /** Runs {@code infertune ARGS --url URL} and returns the exit code. */
  private int cli(String... args) {
    String[] withUrl = new String[args.length + 2];
    System.arraycopy(args, 0, withUrl, 0, args.length);
    withUrl[args.length] = "--url";
    withUrl[args.length + 1] = url;
    return cliAsIs(withUrl);
  }

  private int cliAsIs(String... args) {
    return new CommandLine(new Main())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  private Path file(String name, String text) throws Exception {
    Path p = files.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  @Order(1)
  void runtimeListAndShowDescribeTheRuntimes() {
    assertThat(cli("runtime", "list")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("ID").contains("embedded").contains("batch_size");

    assertThat(cli("runtime", "show", "embedded")).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("runtime embedded")
        .containsPattern("batch_size\\s+ordinal\\s+\\[1, 2, 4, 8, 16, 32, 64, 128\\]")
        .contains("thread_spinning");
  }

  @Test
  @Order(2)
  void anUnknownRuntimeIsRefusedWithExitCode1AndTheServicesMessage() {
    assertThat(cli("runtime", "show", "vllm-9")).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 404").contains("vllm-9");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  @Order(3)
  void deployRollbackUndoesAManualPushAndIsRefusedWhenThereIsNothingToUndo() throws Exception {
    assertThat(cli("deploy", "rollback", "embedded")).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 409");

    JsonNode before = http.get("/api/v1/runtimes/embedded").json().get("current");
    HttpJson.Response push =
        http.post(
            "/api/v1/runtimes/embedded/config", "{\"configuration\": {\"cache_entries\": 77}}");
    assertThat(push.status()).as(push.body()).isEqualTo(200);
    assertThat(cli("deploy", "rollback", "embedded", "--reason", "cli test"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("embedded rolled back to");
    assertThat(http.get("/api/v1/runtimes/embedded").json().get("current")).isEqualTo(before);
  }

  @Test
  @Order(4)
  void aCampaignStartedFromYamlIsFollowedToItsEndAndListedShownAndExported() throws Exception {
    Path spec = file("campaign.yaml", SMALL_CAMPAIGN_YAML);
    int code = cli("campaign", "start", "-f", spec.toString(), "--follow", "--interval", "0.2");
    assertThat(code).as(err.toString() + out).isZero();
    String id = out.toString().lines().findFirst().orElseThrow();
    assertThat(out.toString()).contains(id + " completed");
    // The progress bar went to stderr, a line whenever it changed, ending at 3 of 3.
    assertThat(err.toString())
        .contains("[")
        .contains("/3 trials  best ")
        .contains("3/3 trials  best throughput_rps ");
    JsonNode campaign = http.get("/api/v1/campaigns/" + id).json();
    assertThat(campaign.get("status").asText()).isEqualTo("completed");
    assertThat(campaign.at("/spec/parameters/1/values").toString()).isEqualTo("[\"on\",\"off\"]");

    out.getBuffer().setLength(0);
    assertThat(cli("campaign", "list")).isZero();
    assertThat(out.toString())
        .contains("STATUS")
        .containsPattern(id + "\\s+completed\\s+3/3\\s+throughput_rps");
    out.getBuffer().setLength(0);
    assertThat(cli("campaign", "list", "--status", "running")).isZero();
    assertThat(out.toString()).contains("STATUS").doesNotContain(id);
    assertThat(cli("campaign", "list", "--status", "done"))
        .isEqualTo(1); // refused by the service: 400 naming status

    out.getBuffer().setLength(0);
    assertThat(cli("campaign", "show", id)).isZero();
    assertThat(out.toString())
        .contains("status      completed")
        .contains("trials      3/3")
        .contains("best        throughput_rps");

    Path csv = files.resolve("trials.csv");
    assertThat(cli("trials", "export", id, "--format", "csv", "-o", csv.toString()))
        .as(err.toString())
        .isZero();
    List<Map<String, String>> rows;
    try (MappingIterator<Map<String, String>> it =
        new CsvMapper()
            .readerFor(Map.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(csv.toFile())) {
      rows = it.readAll();
    }
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0))
        .containsKeys("number", "status", "objective", "param.batch_size", "throughput_rps");
    assertThat(rows).extracting(r -> r.get("status")).doesNotContain("running", "");

    out.getBuffer().setLength(0);
    assertThat(cli("trials", "export", id, "--format", "json")).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.isArray()).isTrue();
    assertThat(json).hasSize(3);

    err.getBuffer().setLength(0);
    assertThat(cli("campaign", "resume", id)).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 409").contains("completed");
  }

  @Test
  @Order(5)
  void aStoppedCampaignIsResumedAndFollowed() throws Exception {
    Path spec = file("campaign.json", jsonCampaign());
    assertThat(cli("campaign", "start", "-f", spec.toString())).as(err.toString()).isZero();
    String id = out.toString().strip();
    assertThat(cli("campaign", "stop", id)).as(err.toString()).isZero();
    JsonNode stopped = http.awaitCampaignEnd(id, Duration.ofMinutes(1));
    assertThat(stopped.get("status").asText()).isEqualTo("stopped");

    out.getBuffer().setLength(0);
    assertThat(cli("campaign", "resume", id, "--follow", "--interval", "0.2"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains(id + " resumed at").contains(id + " completed");
  }

  private static String jsonCampaign() {
    return """
        {"runtime": "embedded", "strategy": {"type": "random", "seed": 4},
         "budget": {"maxTrials": 3},
         "parameters": [{"name": "batch_size", "type": "ordinal", "values": [2, 4, 8]}],
         "measurement": {"warmupSeconds": 0.2, "windowSeconds": 1, "sampleIntervalSeconds": 0.5},
         "workload": {"concurrency": 4}, "promotion": {"roundsPerArm": 2, "watchSeconds": 0}}
        """;
  }

  @Test
  @Order(6)
  void aSpecTheServiceRejectsExitsWith1NamingTheField() throws Exception {
    Path spec = file("bad.yaml", "runtime: embedded\nbudget:\n  maxTrials: 0\n");
    assertThat(cli("campaign", "start", "-f", spec.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 400").contains("(field: budget.maxTrials)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  @Order(7)
  void anUnreadableSpecIsAUsageError() throws Exception {
    Path broken = file("broken.yaml", "runtime: [embedded\n");
    assertThat(cli("campaign", "start", "-f", broken.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("is not valid YAML");
    assertThat(cli("campaign", "start", "-f", files.resolve("absent.yaml").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no file");
    assertThat(cli("campaign", "start")).isEqualTo(2);
    assertThat(cliAsIs("campaign")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required subcommand");
  }

  @Test
  @Order(8)
  void noServiceListeningExitsWith3() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThat(cliAsIs("campaign", "list", "--url", "http://127.0.0.1:" + closedPort)).isEqualTo(3);
    assertThat(err.toString()).contains("cannot connect to http://127.0.0.1:" + closedPort);
    assertThat(cliAsIs("campaign", "list", "--url", "ftp://example")).isEqualTo(2);
  }

  @Test
  @Order(9)
  void schedulesAreAddedListedAndRemoved() throws Exception {
    Path spec =
        file(
            "schedule.yaml",
            """
            name: nightly from the cli
            cron: "0 3 * * *"
            zone: Europe/Berlin
            template: {runtime: embedded, budget: {maxTrials: 5}}
            enabled: false
            """);
    assertThat(cli("schedule", "add", "-f", spec.toString())).as(err.toString()).isZero();
    String id = out.toString().split(" ")[0];
    assertThat(out.toString()).contains(" next run ");

    out.getBuffer().setLength(0);
    assertThat(cli("schedule", "list")).isZero();
    assertThat(out.toString()).contains(id).contains("nightly from the cli").contains("0 3 * * *");

    assertThat(cli("schedule", "remove", id)).isZero();
    assertThat(cli("schedule", "remove", id)).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 404");

    Path bad =
        file(
            "bad-schedule.json",
            "{\"name\": \"x\", \"cron\": \"every day\", \"template\": {\"runtime\": \"embedded\"}}");
    assertThat(cli("schedule", "add", "-f", bad.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("(field: cron)");
  }

  @Test
  @Order(10)
  void helpListsTheExitCodes() {
    assertThat(cliAsIs("campaign", "start", "--help")).isZero();
    assertThat(out.toString())
        .contains("Exit codes:")
        .contains("1   the service refused the request")
        .contains("3   cannot connect");
  }
}
