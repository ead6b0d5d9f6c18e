package io.infertune.runtime.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP server on loopback that stands in for a runtime's {@code /metrics} endpoint (the
 * JDK's {@code com.sun.net.httpserver}), serving pages in the Prometheus text format.
 */
final class PageServer implements AutoCloseable {
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<String> acceptHeaders = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch released = new CountDownLatch(1);

  /** What the n-th request (0-based) is answered; null means never to answer. */
  private record Reply(int status, String body) {}

  private PageServer(IntFunction<Reply> replies) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange -> {
          int n = requests.getAndIncrement();
          acceptHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Accept")));
          Reply reply = replies.apply(n);
          if (reply == null) {
            awaitRelease(exchange);
            return;
          }
          send(exchange, reply);
        });
    server.start();
  }

  /** Serves {@code pages} one per request, then the last one again and again. */
  static PageServer serving(String... pages) {
    return new PageServer(n -> new Reply(200, pages[Math.min(n, pages.length - 1)]));
  }

  /** Serves whatever {@code page} says at each request (e.g. a live registry's scrape). */
  static PageServer serving(java.util.function.Supplier<String> page) {
    return new PageServer(n -> new Reply(200, page.get()));
  }

  /** Answers every request with {@code status} and {@code body}. */
  static PageServer answering(int status, String body) {
    return new PageServer(n -> new Reply(status, body));
  }

  /** Accepts requests and never answers them (until closed). */
  static PageServer neverAnswering() {
    return new PageServer(n -> null);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
  }

  /** The Accept header of each request so far. */
  List<String> acceptHeaders() {
    return List.copyOf(acceptHeaders);
  }

  int requests() {
    return requests.get();
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", TEXT_FORMAT);
    exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private void awaitRelease(HttpExchange exchange) {
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
