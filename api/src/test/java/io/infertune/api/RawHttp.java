package io.infertune.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, one connection per request: sends exactly the request line, the
 * headers and the bytes given. The JDK's client refuses what hostile clients send (malformed
 * percent-escapes, unknown methods, lying content types), so the fuzz test speaks the wire itself.
 */
final class RawHttp {
  private static final int TIMEOUT_MILLIS = 60_000;
  private final int port;

  RawHttp(int port) {
    this.port = port;
  }

  /** A response: its status, its content type if any, and its body decoded as UTF-8. */
  record Response(int status, Optional<String> contentType, String body) {}

  /**
   * Sends one request. {@code rawTarget} goes on the request line as given (no encoding); a body,
   * when present, is sent with its {@code Content-Length}.
   */
  Response send(String method, String rawTarget, Optional<String> contentType, byte[] body)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n");
      head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      head.append("Connection: close\r\n");
      contentType.ifPresent(t -> head.append("Content-Type: ").append(t).append("\r\n"));
      if (body.length > 0 || !method.equals("GET")) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
      } catch (IOException refusedMidway) {
        // A server may answer (413) and close before it has read a large body: read its answer.
      }
      return parse(socket.getInputStream().readAllBytes());
    }
  }

  private static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      throw new IOException("no complete response head: " + abbreviate(text));
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    int status = Integer.parseInt(statusLine[1]);
    Optional<String> contentType = Optional.empty();
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-type")) {
        contentType = Optional.of(value);
      } else if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
        chunked = true;
      }
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    if (chunked) {
      body = dechunk(new java.io.ByteArrayInputStream(body));
    }
    return new Response(status, contentType, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      StringBuilder sizeLine = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          sizeLine.append((char) c);
        }
      }
      String hex = sizeLine.toString().split(";", 2)[0].trim();
      if (hex.isEmpty()) {
        return out.toByteArray();
      }
      int size = Integer.parseInt(hex, 16);
      if (size == 0) {
        return out.toByteArray();
      }
      out.write(in.readNBytes(size));
      in.read(); // \r
      in.read(); // \n
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
