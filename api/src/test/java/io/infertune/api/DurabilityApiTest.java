package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Over real HTTP against the embedded runtime: concurrent starts of campaigns on one runtime (one
 * wins, the rest get 409 naming it), and {@code GET /api/v1/export} restored by {@code infertune
 * backup restore} into a fresh data directory that a new service then serves the same record from.
 */
class DurabilityApiTest {
  @TempDir static Path dataDir;
  @TempDir static Path scratch;
  private static Infertune service;
  private static HttpJson http;

  @BeforeAll
  static void start() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void concurrentStartsOnOneRuntimeLetExactlyOneWinAndTheOthersNameIt() throws Exception {
    int callers = 12;
    int campaignsBefore = service.store().campaigns().size();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpJson.Response>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
      for (int i = 0; i < callers; i++) {
        Callable<HttpJson.Response> post =
            () -> {
              go.await();
              // One client each: separate connections, as separate callers would have.
              return new HttpJson(service.port())
                  .post("/api/v1/campaigns", CampaignResumeApiTest.SMALL_CAMPAIGN);
            };
        answers.add(pool.submit(post));
      }
      go.countDown();
      List<HttpJson.Response> created = new ArrayList<>();
      List<HttpJson.Response> refused = new ArrayList<>();
      for (Future<HttpJson.Response> f : answers) {
        HttpJson.Response r = f.get();
        (r.status() == 201 ? created : refused).add(r);
      }
      assertThat(created).as("exactly one start wins").hasSize(1);
      String winner = created.get(0).json().get("id").asText();
      assertThat(refused).hasSize(callers - 1);
      for (HttpJson.Response r : refused) {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().get("error").asText()).contains(winner);
      }
      assertThat(service.store().campaigns()).hasSize(campaignsBefore + 1);
      http.post("/api/v1/campaigns/" + winner + "/stop", "");
      http.awaitCampaignEnd(winner, Duration.ofMinutes(1));
    }
  }

  @Test
  void anExportRestoresIntoAFreshDataDirWithTheSameCampaignsAndTrials() throws Exception {
    String id =
        http.post("/api/v1/campaigns", CampaignResumeApiTest.SMALL_CAMPAIGN)
            .json()
            .get("id")
            .asText();
    JsonNode done = http.awaitCampaignEnd(id, Duration.ofMinutes(3));
    assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
    String campaigns = http.get("/api/v1/campaigns").body();
    String trials = http.get("/api/v1/campaigns/" + id + "/trials").body();
    String deployments = http.get("/api/v1/runtimes/embedded/deployments").body();

    HttpJson.Response export = http.get("/api/v1/export");
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.raw().headers().firstValue("content-disposition").orElse(""))
        .contains("attachment");
    Path backup = scratch.resolve("backup.sql");
    Files.writeString(backup, export.body(), StandardCharsets.UTF_8);
    // Deleted once the response has been sent, which the client may see first.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (exportFilesIn(dataDir) > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the export's file is still in " + dataDir + " 10 s after");
      }
      // Polling the server's completion handler against a deadline.
      Thread.sleep(50);
    }

    // Cut short (a copy that stopped half-way): refused, and nothing is left behind.
    Path half = scratch.resolve("half.sql");
    Files.writeString(half, export.body().substring(0, export.body().length() / 2));
    Path refusedDir = scratch.resolve("refused");
    Result cut = restore(half, refusedDir);
    assertThat(cut.exit()).isEqualTo(1);
    assertThat(cut.err()).contains("cut short");
    assertThat(refusedDir.resolve("infertune.mv.db")).doesNotExist();

    Path restoredDir = scratch.resolve("restored");
    Result ok = restore(backup, restoredDir);
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("restored");
    Result again = restore(backup, restoredDir);
    assertThat(again.exit()).as("never over an existing database").isEqualTo(1);
    assertThat(again.err()).contains("fresh data directory");

    try (Infertune restored = Infertune.start(new ServiceConfig("127.0.0.1", 0, restoredDir))) {
      HttpJson h = new HttpJson(restored.port());
      assertThat(h.get("/api/v1/campaigns").body()).isEqualTo(campaigns);
      assertThat(h.get("/api/v1/campaigns/" + id + "/trials").body()).isEqualTo(trials);
      assertThat(h.get("/api/v1/runtimes/embedded/deployments").body()).isEqualTo(deployments);
    }
  }

  private static long exportFilesIn(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("export-")).count();
    }
  }

  private record Result(int exit, String out, String err) {}

  private static Result restore(Path file, Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("backup", "restore", file.toString(), "--data-dir", dir.toString());
    return new Result(exit, out.toString(), err.toString());
  }
}
