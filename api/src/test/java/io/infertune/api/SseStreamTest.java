package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One client's event stream over a real HTTP server on loopback. */
class SseStreamTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final CampaignEvents events = new CampaignEvents("s1");
  private Vertx vertx;
  private HttpServer server;
  private final CompletableFuture<SseStream> stream = new CompletableFuture<>();
  private final CompletableFuture<Context> context = new CompletableFuture<>();

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  SseStream s =
                      new SseStream(vertx.getOrCreateContext(), request.response(), events, false);
                  events.subscribeAll(Optional.empty(), s);
                  s.open();
                  context.complete(vertx.getOrCreateContext());
                  stream.complete(s);
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopServer() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Socket connect(int receiveBuffer) throws Exception {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
    socket
        .getOutputStream()
        .write(
            "GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  private static Trial trial(int number, String blob) {
    return Trial.running("c", number, Configuration.of("blob", blob), false, T0);
  }

  @Test
  void eventsWaitForTheSnapshotThenFollowItInOrder() throws Exception {
    try (Socket socket = connect(0)) {
      SseStream s = stream.get(10, TimeUnit.SECONDS);
      // Published before the snapshot is written: they must come after it.
      for (int i = 0; i < 3; i++) {
        events.trialStarted(trial(i, "x"));
      }
      context
          .get()
          .runOnContext(
              v -> {
                s.write("snapshot", Optional.of("s1-0"), "{\"campaignId\":\"c\"}");
                s.start();
              });
      BufferedReader r =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("event: ") || line.startsWith("id: ")) {
          lines.add(line);
        }
        if (lines.size() == 8) {
          break;
        }
      }
      assertThat(lines)
          .containsExactly(
              "id: s1-0",
              "event: snapshot",
              "id: s1-1",
              "event: trial-started",
              "id: s1-2",
              "event: trial-started",
              "id: s1-3",
              "event: trial-started");
    }
  }

  @Test
  void aClientThatDoesNotReadLosesItsConnectionNotTheServicesMemory() throws Exception {
    try (Socket socket = connect(4096)) {
      SseStream s = stream.get(10, TimeUnit.SECONDS);
      context.get().runOnContext(v -> s.start());
      // 20 kB an event; the socket's buffers take a few megabytes, the queue 1000 events more.
      String blob = "x".repeat(20_000);
      for (int i = 0; i < 3 * SseStream.MAX_PENDING && !s.closed(); i++) {
        events.trialStarted(trial(i, blob));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!s.closed() || events.subscriberCount() > 0) {
        assertThat(System.nanoTime()).as("closed in time").isLessThan(deadline);
        Thread.sleep(10);
      }
      // The connection is closed: what was sent can be read, then the stream ends.
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[1 << 16];
      long read = 0;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        read += n;
      }
      assertThat(read).isPositive();
    }
  }
}
