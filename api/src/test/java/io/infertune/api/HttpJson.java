package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for tests: real HTTP on loopback through the JDK's client. */
final class HttpJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  HttpJson(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  record Response(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Response get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /** A GET with one request header. */
  Response get(String path, String header, String value) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header(header, value).GET());
  }

  Response post(String path, String body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Response put(String path, String body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("content-type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  Response delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  Response postBytes(String path, byte[] body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private Response send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r =
        client.send(
            b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r);
  }

  /** Polls a campaign until it has a final status; returns its last JSON. */
  JsonNode awaitCampaignEnd(String id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode c = get("/api/v1/campaigns/" + id).json();
      String status = c.get("status").asText();
      if (!status.equals("running") && !status.equals("pending")) {
        return c;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("campaign " + id + " still " + status + " after " + timeout);
      }
      // Polling a real service that measures in real time: there is no clock to inject here.
      Thread.sleep(200);
    }
  }
}
