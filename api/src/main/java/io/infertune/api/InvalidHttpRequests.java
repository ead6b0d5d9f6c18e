package io.infertune.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers requests that Netty could not decode as HTTP (a request line over 4096 bytes, headers
 * over 8 KiB, malformed framing) with the API's JSON error instead of Vert.x's empty default, and
 * closes the connection, as the default does, since the stream cannot be trusted after such a
 * request.
 *
 * @implNote stateless; runs on the event loop.
 */
final class InvalidHttpRequests implements Handler<HttpServerRequest> {
  /**
   * The first route: a path with a malformed percent-escape ({@code /api/v1/studies/%zz}) is a 400
   * here, before the guard and the router normalise the path, which throws on it.
   */
  static void requireDecodablePath(RoutingContext ctx) {
    try {
      ctx.normalizedPath();
    } catch (IllegalArgumentException e) {
      ctx.fail(
          new ApiException(
              400, "the path is not valid: " + e.getMessage(), java.util.Optional.empty()));
      return;
    }
    ctx.next();
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "the request line is too long: " + cause.getMessage();
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "the request headers are too large: " + cause.getMessage();
    } else {
      status = 400;
      message = "the request is not valid HTTP" + (cause == null ? "" : ": " + cause.getMessage());
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", message).putNull("field");
    request
        .response()
        .setStatusCode(status)
        .putHeader("connection", "close")
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(body.toString());
  }
}
