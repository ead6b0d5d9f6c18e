package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Real HTTP on loopback with an optional {@code Authorization} header, for security tests. */
final class BearerHttp {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  BearerHttp(int port) {
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

    Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }
  }

  /**
   * @param authorization the whole header value, e.g. {@code Bearer itk_...}; null for none
   * @param body null for none
   */
  Response send(String method, String path, String authorization, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (authorization != null) {
      b.header("authorization", authorization);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r);
  }

  Response get(String path, String secret) throws IOException, InterruptedException {
    return send("GET", path, secret == null ? null : "Bearer " + secret, null);
  }

  Response post(String path, String secret, String body) throws IOException, InterruptedException {
    return send("POST", path, secret == null ? null : "Bearer " + secret, body);
  }
}
