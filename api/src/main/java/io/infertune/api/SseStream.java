package io.infertune.api;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * One client's server-sent event stream: events from {@link CampaignEvents} are queued (at most
 * {@link #MAX_PENDING}) and written on the connection's event loop as the socket takes them.
 *
 * <p>A client too slow for the events (its queue full) loses its connection rather than the
 * service's memory: the connection is closed, and a browser reconnects with {@code Last-Event-ID}
 * and gets the events it missed or a fresh snapshot. Until {@link #start()} (called once the
 * snapshot is written) events wait in the queue, so that none is written before the snapshot they
 * follow.
 *
 * @implNote thread-safe: {@link #deliver} may be called from any thread; everything that touches
 *     the response runs on its context.
 */
final class SseStream implements CampaignEvents.Subscriber {
  /** Events queued for one client at most; more means it cannot keep up. */
  static final int MAX_PENDING = 1_000;

  /** Milliseconds between keep-alive comments, so that proxies and clients see a live stream. */
  static final long KEEP_ALIVE_MS = 15_000;

  /** Milliseconds a browser waits before it reconnects, sent with the stream's first bytes. */
  static final long RETRY_MS = 3_000;

  private final Context context;
  private final HttpServerResponse response;
  private final CampaignEvents events;
  private final boolean endsWithCampaign;
  private final Object lock = new Object();
  private final ArrayDeque<CampaignEvents.Event> pending = new ArrayDeque<>();
  private boolean started;
  private boolean drainScheduled;

  /** Set once the queue was full: the connection is being closed. */
  private boolean overflowed;

  private boolean closed;
  private long keepAliveTimer = -1;

  /**
   * @param context the response's context (its event loop)
   * @param endsWithCampaign whether the stream ends after a {@code campaign-finished} event (one
   *     campaign's stream) or goes on (every campaign's)
   */
  SseStream(
      Context context,
      HttpServerResponse response,
      CampaignEvents events,
      boolean endsWithCampaign) {
    this.context = context;
    this.response = response;
    this.events = events;
    this.endsWithCampaign = endsWithCampaign;
  }

  /** Writes the headers and the reconnection delay; call on the response's context. */
  void open() {
    if (closed()) {
      return;
    }
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        // Proxies such as nginx buffer responses unless told not to; a buffered stream is not live.
        .putHeader("x-accel-buffering", "no");
    response.closeHandler(v -> close(false));
    response.write("retry: " + RETRY_MS + "\n\n");
    keepAliveTimer =
        context
            .owner()
            .setPeriodic(
                KEEP_ALIVE_MS,
                id -> {
                  if (!closed() && !response.writeQueueFull()) {
                    response.write(": keep-alive\n\n");
                  }
                });
  }

  /** Writes one event now; call on the response's context. */
  void write(String type, Optional<String> id, String data) {
    if (closed()) {
      return;
    }
    StringBuilder b = new StringBuilder(data.length() + 64);
    id.filter(v -> !v.isEmpty()).ifPresent(v -> b.append("id: ").append(v).append('\n'));
    b.append("event: ").append(type).append('\n');
    // The JSON is written compact, so it is one line; split anyway, as the format requires.
    for (String line : data.split("\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    b.append('\n');
    response.write(b.toString());
  }

  /** Lets queued and future events through; call on the response's context. */
  void start() {
    synchronized (lock) {
      started = true;
      scheduleDrain();
    }
  }

  @Override
  public void deliver(CampaignEvents.Event event) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (pending.size() >= MAX_PENDING) {
        if (!overflowed) {
          overflowed = true;
          // The client does not read (or reads too slowly): its connection goes, not our memory.
          context.runOnContext(v -> abort());
        }
        return;
      }
      pending.addLast(event);
      scheduleDrain();
    }
  }

  /** Guarded by {@code lock}. */
  private void scheduleDrain() {
    if (started && !drainScheduled && !closed) {
      drainScheduled = true;
      context.runOnContext(v -> drain());
    }
  }

  private void drain() {
    while (true) {
      if (closed()) {
        return;
      }
      if (response.writeQueueFull()) {
        // drainScheduled stays true: the drain handler is the one scheduled drain.
        response.drainHandler(v -> drain());
        return;
      }
      CampaignEvents.Event e;
      synchronized (lock) {
        e = pending.pollFirst();
        if (e == null) {
          drainScheduled = false;
        }
      }
      if (e == null) {
        return;
      }
      write(e.type(), Optional.of(e.id()), e.data());
      if (endsWithCampaign && e.finishesCampaign()) {
        close(true);
        return;
      }
    }
  }

  /**
   * Ends the stream (when {@code end}) and forgets the subscription; idempotent. Call on the
   * response's context.
   */
  void close(boolean end) {
    if (!markClosed()) {
      return;
    }
    if (end && !response.ended() && !response.closed()) {
      response.end();
    }
  }

  /** Closes the connection of a client that fell behind; call on the response's context. */
  private void abort() {
    if (markClosed() && !response.closed()) {
      // HTTP/1.x: closes the connection (the response has not ended); HTTP/2: resets the stream.
      response.reset();
    }
  }

  /** Whether this call closed the stream (false: it was closed already). */
  private boolean markClosed() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closed = true;
      pending.clear();
    }
    events.unsubscribe(this);
    if (keepAliveTimer >= 0) {
      context.owner().cancelTimer(keepAliveTimer);
    }
    return true;
  }

  boolean closed() {
    synchronized (lock) {
      return closed;
    }
  }
}
