package io.infertune.runtime.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.runtime.embedded.JsonValue;
import io.infertune.runtime.openai.FakeLlmServer.Mode;
import io.infertune.runtime.openai.OpenAiResult.Status;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class OpenAiClientTest {
  private static final long TIMEOUT_S = 30;
  private static final long MS = 1_000_000;

  private FakeLlmServer server;
  private OpenAiClient client;

  @BeforeEach
  void start() {
    server = new FakeLlmServer();
    client = OpenAiClient.builder(server.baseUrl()).timeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private OpenAiResult send(OpenAiRequest r) throws Exception {
    return client.send(r).get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static OpenAiRequest chat(int maxTokens) {
    return new OpenAiRequest(ApiKind.CHAT, "m", "say something", maxTokens, true);
  }

  private static OpenAiRequest completion(int maxTokens) {
    return new OpenAiRequest(ApiKind.COMPLETIONS, "m", "once upon a time", maxTokens, true);
  }

  @Test
  void streamedChatMeasuresTheServersFirstTokenDelayAndTokenGaps() throws Exception {
    // Real time passes on the server: the client can only see delays at least this long, and
    // gaps that add up to about the schedule's span (a late event makes the next gap short).
    server.schedule(Duration.ofMillis(150), Duration.ofMillis(40));
    OpenAiResult r = send(chat(8));

    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.httpStatus()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(" tok0 tok1 tok2 tok3 tok4 tok5 tok6 tok7");
    assertThat(r.timeToFirstTokenNanos()).isPresent();
    long ttft = r.timeToFirstTokenNanos().getAsLong();
    assertThat(ttft).isGreaterThanOrEqualTo(150 * MS).isLessThan(5_000 * MS);
    long[] gaps = r.interTokenNanos();
    assertThat(gaps).hasSize(7);
    long span = Arrays.stream(gaps).sum();
    assertThat(span).isGreaterThanOrEqualTo(7 * 40 * MS - 100 * MS).isLessThan(5_000 * MS);
    long[] sorted = gaps.clone();
    Arrays.sort(sorted);
    assertThat(sorted[sorted.length / 2]).isGreaterThanOrEqualTo(20 * MS);
    assertThat(r.latencyNanos()).isGreaterThanOrEqualTo(ttft + span);
    assertThat(r.outputTokens()).isEqualTo(8);
    assertThat(r.outputTokensReported()).isTrue();
    assertThat(r.promptTokens()).hasValue(2);
  }

  @Test
  void streamedCompletionTakesOutputTokensFromTheUsageChunk() throws Exception {
    OpenAiResult r = send(completion(5));

    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.text()).isEqualTo(" tok0 tok1 tok2 tok3 tok4");
    assertThat(r.outputTokens()).isEqualTo(5);
    assertThat(r.outputTokensReported()).isTrue();
    assertThat(r.promptTokens()).hasValue(4);
    JsonValue sent = FakeLlmServer.json(server.requestBodies().getLast());
    assertThat(sent.path("prompt").asText("")).isEqualTo("once upon a time");
    assertThat(sent.path("max_tokens").asInt(0)).isEqualTo(5);
    assertThat(sent.path("stream").asBoolean(false)).isTrue();
    assertThat(sent.path("stream_options").path("include_usage").asBoolean(false)).isTrue();
  }

  @Test
  void withoutUsageOutputTokensAreCountedFromTheEvents() throws Exception {
    try (OpenAiClient noUsage =
        OpenAiClient.builder(server.baseUrl()).includeUsage(false).ignoreEos(true).build()) {
      OpenAiResult r = noUsage.send(chat(6)).get(TIMEOUT_S, TimeUnit.SECONDS);

      assertThat(r.status()).isEqualTo(Status.OK);
      // The role chunk with empty content is not a token.
      assertThat(r.outputTokens()).isEqualTo(6);
      assertThat(r.outputTokensReported()).isFalse();
      assertThat(r.promptTokens()).isEmpty();
      assertThat(r.interTokenNanos()).hasSize(5);
    }
    JsonValue sent = FakeLlmServer.json(server.requestBodies().getLast());
    assertThat(sent.has("stream_options")).isFalse();
    assertThat(sent.path("ignore_eos").asBoolean(false)).isTrue();
    assertThat(sent.path("messages").path(0).path("role").asText("")).isEqualTo("user");
  }

  @Test
  void eventsSplitByteByByteWithCrlfAndPingsReadTheSame() throws Exception {
    server.mode(Mode.FRAGMENTED);
    OpenAiResult chat = send(chat(4));
    OpenAiResult completion = send(completion(3));

    assertThat(chat.status()).isEqualTo(Status.OK);
    assertThat(chat.text()).isEqualTo(" tok0 tok1 tok2 tok3");
    assertThat(chat.outputTokens()).isEqualTo(4);
    assertThat(chat.interTokenNanos()).hasSize(3);
    assertThat(completion.status()).isEqualTo(Status.OK);
    assertThat(completion.text()).isEqualTo(" tok0 tok1 tok2");
  }

  @Test
  void wholeAnswersAreReadWithoutStreaming() throws Exception {
    OpenAiResult chat = send(new OpenAiRequest(ApiKind.CHAT, "m", "hello there", 3, false));
    OpenAiResult completion = send(new OpenAiRequest(ApiKind.COMPLETIONS, "m", "hello", 2, false));

    assertThat(chat.status()).isEqualTo(Status.OK);
    assertThat(chat.text()).isEqualTo(" tok0 tok1 tok2");
    assertThat(chat.outputTokens()).isEqualTo(3);
    assertThat(chat.timeToFirstTokenNanos()).isEmpty();
    assertThat(chat.interTokenNanos()).isEmpty();
    assertThat(completion.text()).isEqualTo(" tok0 tok1");
    assertThat(completion.promptTokens()).hasValue(1);
  }

  @Test
  void embeddingsCountVectorsAndPromptTokens() throws Exception {
    OpenAiResult r = send(OpenAiRequest.embeddings("minilm", "the quick brown fox"));

    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.embeddings()).isEqualTo(1);
    assertThat(r.promptTokens()).hasValue(4);
    assertThat(r.outputTokens()).isZero();
    JsonValue sent = FakeLlmServer.json(server.requestBodies().getLast());
    assertThat(sent.path("input").asText("")).isEqualTo("the quick brown fox");
    assertThat(sent.has("stream")).isFalse();
  }

  @Test
  void httpErrorsCarryTheServersMessage() throws Exception {
    server.mode(Mode.HTTP_400);
    OpenAiResult old = send(chat(4));
    OpenAiResult embed = send(OpenAiRequest.embeddings("m", "x"));
    server.mode(Mode.HTTP_503);
    OpenAiResult plain = send(completion(4));

    assertThat(old.status()).isEqualTo(Status.HTTP_ERROR);
    assertThat(old.httpStatus()).isEqualTo(400);
    assertThat(old.error()).hasValue("This model's maximum context length is 2048 tokens.");
    assertThat(embed.error()).hasValue("input is too long");
    assertThat(plain.httpStatus()).isEqualTo(503);
    assertThat(plain.error()).hasValue("upstream connect error");
  }

  @Test
  void errorsInsideAStreamAreServerErrors() throws Exception {
    server.mode(Mode.ERROR_DATA);
    OpenAiResult data = send(chat(5));
    server.mode(Mode.ERROR_EVENT);
    OpenAiResult event = send(completion(5));

    assertThat(data.status()).isEqualTo(Status.SERVER_ERROR);
    assertThat(data.httpStatus()).isEqualTo(200);
    assertThat(data.error()).hasValue("engine dead");
    assertThat(event.status()).isEqualTo(Status.SERVER_ERROR);
    assertThat(event.error()).hasValue("engine dead");
  }

  @Test
  void aMalformedEventFailsItsRequestAndTheNextOneWorks() throws Exception {
    server.mode(Mode.MALFORMED);
    OpenAiResult bad = send(completion(4));
    server.mode(Mode.NORMAL);
    OpenAiResult good = send(completion(4));

    assertThat(bad.status()).isEqualTo(Status.MALFORMED);
    assertThat(bad.error().orElseThrow()).startsWith("an event is not JSON");
    assertThat(good.status()).isEqualTo(Status.OK);
  }

  @Test
  void aStreamCutShortBeforeDoneIsMalformed() throws Exception {
    server.mode(Mode.TRUNCATED);
    OpenAiResult r = send(chat(6));

    assertThat(r.status()).isEqualTo(Status.MALFORMED);
    assertThat(r.error().orElseThrow()).contains("[DONE]").contains("2 token events");
  }

  @Test
  void aStalledStreamTimesOutWithinTheRequestTimeout() throws Exception {
    server.mode(Mode.STALL);
    try (OpenAiClient impatient =
        OpenAiClient.builder(server.baseUrl()).timeout(Duration.ofMillis(300)).build()) {
      OpenAiResult r = impatient.send(chat(5)).get(TIMEOUT_S, TimeUnit.SECONDS);

      assertThat(r.status()).isEqualTo(Status.TIMEOUT);
      assertThat(r.latencyNanos()).isGreaterThanOrEqualTo(300 * MS);
    }
  }

  @Test
  void closingTheClientAbortsRequestsInFlight() throws Exception {
    server.mode(Mode.STALL);
    OpenAiClient closing = OpenAiClient.builder(server.baseUrl()).build();
    var stalled = closing.send(chat(5));
    // The first token arrives before the stall: wait for the server to be inside the stream.
    var probe = client.send(completion(1)).get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(probe.status()).isEqualTo(Status.OK);
    closing.close();

    OpenAiResult r = stalled.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(r.ok()).isFalse();
    assertThat(r.status()).isIn(Status.TRANSPORT_FAILED, Status.CONNECT_FAILED);
  }

  @Test
  void aRefusedConnectionIsAnOutcomeNotAnException() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (OpenAiClient nobody =
        OpenAiClient.builder(URI.create("http://127.0.0.1:" + port + "/")).build()) {
      OpenAiResult r = nobody.send(chat(3)).get(TIMEOUT_S, TimeUnit.SECONDS);

      assertThat(r.status()).isEqualTo(Status.CONNECT_FAILED);
      assertThat(r.httpStatus()).isZero();
      assertThat(r.error()).isPresent();
    }
  }

  @Test
  void manyConcurrentStreamsAllComplete() throws Exception {
    server.schedule(Duration.ofMillis(20), Duration.ofMillis(5));
    var futures =
        java.util.stream.IntStream.range(0, 64).mapToObj(i -> client.send(chat(10))).toList();
    for (var f : futures) {
      OpenAiResult r = f.get(TIMEOUT_S, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(Status.OK);
      assertThat(r.outputTokens()).isEqualTo(10);
    }
  }
}
