// Server-sent events over fetch(), because EventSource cannot send an Authorization header.
//
// Parses the stream as the HTML standard's event-stream format says (lines ending in CRLF, LF or
// CR; "field: value" with one optional space; comments start with ':'; a blank line dispatches;
// multi-line data joined with '\n'; `id` kept across events, `retry` sets the reconnection delay)
// and reconnects after a dropped connection with `Last-Event-ID`, so that the service replays what
// was missed. Unlike EventSource it stops for good on 401/403 (a token will not become valid by
// retrying) and on any other 4xx.
import { ApiError, authHeaders, errorOf, reportUnauthorized } from './api.js';

/** Longest wait between reconnection attempts, in ms: doubling stops here. */
export const MAX_RECONNECT_MS = 30000;

/** Parses an event stream fed in text chunks; calls dispatch({type, data, id}) per event. */
export class EventStreamParser {
  constructor(dispatch, onRetry = () => {}) {
    this.dispatch = dispatch;
    this.onRetry = onRetry;
    this.buffer = ''; // text after the last complete line
    this.type = '';
    this.data = '';
    this.lastEventId = '';
  }

  /** Feeds decoded text; complete lines are processed, a partial one waits for the next chunk. */
  push(text) {
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      // A CR as the chunk's last character may be half of a CRLF: wait for the next chunk.
      if (c === '\r' && i === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, i));
      if (c === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** The stream ended: a lone CR ends its line; an event without its blank line is dropped. */
  end() {
    if (this.buffer.endsWith('\r')) this.line(this.buffer.slice(0, -1));
    this.buffer = '';
    this.type = '';
    this.data = '';
  }

  line(line) {
    if (line === '') {
      this.dispatchEvent();
      return;
    }
    if (line[0] === ':') return; // a comment (the service's keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data += value + '\n';
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.onRetry(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  dispatchEvent() {
    if (this.data === '') {
      this.type = '';
      return;
    }
    const event = { type: this.type || 'message', data: this.data.slice(0, -1), id: this.lastEventId };
    this.type = '';
    this.data = '';
    this.dispatch(event);
  }
}

/**
 * Follows the event stream at path with the stored token. Handlers: on, listeners by event type as
 * {[type]: (event) => ...} with event.data (text) and event.id; onOpen() per connection; onDrop()
 * when a connection is lost or cannot be made (a reconnection follows); onFail(ApiError) when it
 * stops for good: 401 (also reported to api.js's onUnauthorized listeners, as every call's is), 403,
 * another 4xx, or not an event stream. Returns {close()}: close it when the page goes away.
 *
 * options.fetch replaces window.fetch (for tests); options.retryMs is the first reconnection
 * delay in ms until the service sends its own `retry:`.
 */
export function followEvents(path, handlers, options = {}) {
  const fetchFn = options.fetch || ((...args) => fetch(...args));
  let retryMs = options.retryMs ?? 3000;
  let failures = 0; // consecutive connections that failed or dropped, for the backoff
  let closed = false;
  let controller = null;
  let timer = null;
  const parser = new EventStreamParser(
    (event) => {
      const listener = handlers.on && handlers.on[event.type];
      if (listener && !closed) listener(event);
    },
    (ms) => (retryMs = ms),
  );

  const fail = (error) => {
    if (closed) return;
    close();
    if (error.status === 401) reportUnauthorized(error);
    if (handlers.onFail) handlers.onFail(error);
  };

  const reconnectLater = () => {
    if (closed) return;
    if (handlers.onDrop) handlers.onDrop();
    // Doubles with each failure in a row, capped; a little jitter keeps tabs from reconnecting in step.
    const delay = Math.min(MAX_RECONNECT_MS, retryMs * 2 ** Math.min(failures, 10)) * (0.9 + 0.2 * Math.random());
    failures++;
    timer = setTimeout(connect, delay);
  };

  async function connect() {
    timer = null;
    if (closed) return;
    controller = new AbortController();
    const headers = { accept: 'text/event-stream', ...authHeaders() };
    if (parser.lastEventId) headers['last-event-id'] = parser.lastEventId;
    let response;
    try {
      response = await fetchFn(path, { headers, signal: controller.signal, cache: 'no-store' });
    } catch (e) {
      reconnectLater(); // the service is unreachable (or restarting): try again
      return;
    }
    if (closed) return;
    if (!response.ok) {
      const error = await errorOf(response);
      if (response.status >= 500) reconnectLater();
      else fail(error);
      return;
    }
    if (!(response.headers.get('content-type') || '').startsWith('text/event-stream')) {
      fail(new ApiError(response.status, 'not an event stream: ' + path, null));
      return;
    }
    if (handlers.onOpen) handlers.onOpen();
    const reader = response.body.getReader();
    const decoder = new TextDecoder('utf-8'); // drops a leading BOM, as the format asks
    let received = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!received && value.length) {
          received = true;
          failures = 0; // the connection works: the next drop starts the backoff afresh
        }
        parser.push(decoder.decode(value, { stream: true }));
        if (closed) return;
      }
      parser.push(decoder.decode());
    } catch (e) {
      // aborted by close(), or the connection dropped mid-stream
    }
    parser.end();
    reconnectLater();
  }

  function close() {
    closed = true;
    clearTimeout(timer);
    if (controller) controller.abort();
  }

  connect();
  return {
    close,
    get lastEventId() {
      return parser.lastEventId;
    },
  };
}
