package io.infertune.runtime.openai;

import java.util.Objects;

/**
 * Decodes a {@code text/event-stream} body, fed line by line, into events, as the WHATWG HTML
 * standard's "event stream interpretation" says: {@code data:} lines accumulate (joined by
 * newlines), {@code event:} names the type, a blank line dispatches, lines starting with {@code :}
 * are comments (servers send {@code : ping} to keep idle connections open), {@code id:}, {@code
 * retry:} and unknown fields are ignored, one space after the colon is dropped, a leading byte
 * order mark is dropped.
 *
 * <p>Why not a library: the JDK's HTTP client already splits the body into lines at {@code \n},
 * {@code \r\n} or {@code \r} as they arrive (chunk boundaries included), and the SSE libraries for
 * Java come with their own HTTP stacks (OkHttp, Jersey); what is left is this state machine.
 *
 * <p>One leniency: an event still pending when the stream ends is dispatched (the standard drops
 * it), so a server that closes right after {@code data: [DONE]} without the blank line is not taken
 * for a truncated stream.
 *
 * @implNote not thread-safe: fed by one subscriber.
 */
final class SseDecoder {
  /** Receives dispatched events. */
  @FunctionalInterface
  interface Listener {
    /**
     * @param type the {@code event:} field, {@code message} when none was given
     * @param data the {@code data:} lines joined by {@code \n}
     */
    void event(String type, String data);
  }

  private final Listener listener;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String type = "";
  private boolean firstLine = true;

  SseDecoder(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** One line, without its terminator. */
  void line(String line) {
    if (firstLine) {
      firstLine = false;
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
    }
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.charAt(0) == ':') {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> type = value;
      default -> {}
    }
  }

  /** The end of the stream: dispatches a pending event (see the class comment). */
  void end() {
    dispatch();
  }

  private void dispatch() {
    if (hasData) {
      listener.event(type.isEmpty() ? "message" : type, data.toString());
    }
    data.setLength(0);
    hasData = false;
    type = "";
  }
}
