// Server-Sent Events over fetch(): a parser for the text/event-stream format, and a reader that
// follows one stream through dropped connections. EventSource cannot POST, so the playground
// reads the response body itself.

/**
 * Parses text/event-stream text fed in arbitrary pieces. Lines end with \n, \r\n or \r (a \r at
 * the end of one piece may be followed by the \n of the next); an event ends at a blank line.
 * Comments (": keep-alive") are skipped. Events are {id, event, data}; id is the last id seen in
 * the stream, or null before any.
 */
export class SseParser {
  #buffer = '';
  #pendingCr = false;
  #data = [];
  #event = '';
  #lastId = null;

  /** Feeds text and returns the events it completes, in order. */
  push(text) {
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;
    const events = [];
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    let match;
    while ((match = lineEnd.exec(this.#buffer)) !== null) {
      // A lone \r at the very end may be the first half of \r\n: take it, skip a following \n.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) this.#pendingCr = true;
      const event = this.#line(this.#buffer.slice(start, match.index));
      if (event) events.push(event);
      start = lineEnd.lastIndex;
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  #line(line) {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastId = value;
    return null;
  }

  #dispatch() {
    if (this.#data.length === 0) {
      this.#event = '';
      return null;
    }
    const data = this.#data.join('\n');
    const event = { id: this.#lastId, event: this.#event || 'message', data };
    this.#data = [];
    this.#event = '';
    return event;
  }
}

/** An HTTP error answer, with the message the server gave. */
export class HttpError extends Error {
  constructor(status, message) {
    super(`HTTP ${status}: ${message}`);
    this.status = status;
  }
}

/** An error the server reported inside a stream, after its 200. */
export class StreamError extends Error {}

/** The connection broke while reading a body, or a reconnection did not connect. */
class ConnectionDropped extends Error {}

/** Throws an HttpError for a non-2xx response, with the message of its JSON error body. */
export async function ensureOk(response) {
  if (response.ok) return response;
  let message = response.statusText || 'request failed';
  try {
    const body = await response.json();
    message = body?.error?.message ?? body?.detail ?? JSON.stringify(body);
  } catch {
    // not JSON: keep the status text
  }
  throw new HttpError(response.status, message);
}

const MAX_RESUMES = 4;

/**
 * Reads the events of `response` into `onEvent`, until `finished()` says the stream is complete
 * or the body ends. When the connection drops (a read error, or the body ending before
 * `finished()`), and `resumeUrl()` names where the stream can be resumed, it reconnects there
 * (with `headers`, and `Last-Event-ID` set to the id of the last complete event) and goes on: an
 * event cut off by the drop is discarded and comes again, so no text is lost or repeated. It
 * gives up after MAX_RESUMES reconnections in a row that bring no new event, or at once on an
 * HTTP error. Only network errors count as drops: an error `onEvent` throws (a StreamError for an
 * error event) ends the stream with it. Aborting `signal` ends it with the abort's reason.
 */
export async function readStream({ response, signal, headers = {}, onEvent, finished, resumeUrl }) {
  let lastId = null;
  let failures = 0;
  for (;;) {
    let cause;
    try {
      if (response === null) throw new ConnectionDropped('the reconnection failed');
      await ensureOk(response);
      await readBody(response, (event) => {
        lastId = event.id ?? lastId;
        failures = 0;
        onEvent(event);
      });
      if (finished()) return;
      cause = new Error('the stream ended before it was complete');
    } catch (e) {
      if (signal.aborted || !(e instanceof ConnectionDropped)) throw e;
      cause = e;
    }
    const url = resumeUrl();
    if (!url || lastId === null) throw new Error(`Connection lost: ${cause.message}`);
    if (++failures > MAX_RESUMES) {
      throw new Error(`Connection lost, and ${MAX_RESUMES} reconnections failed: ${cause.message}`);
    }
    await pause(100 * 2 ** (failures - 1), signal);
    try {
      response = await fetch(url, { headers: { ...headers, 'Last-Event-ID': lastId }, signal });
    } catch (e) {
      if (signal.aborted) throw e;
      response = null;
    }
  }
}

/** Feeds every complete event of the body to onEvent; a read error is thrown. */
async function readBody(response, onEvent) {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (;;) {
      let read;
      try {
        read = await reader.read();
      } catch (e) {
        throw new ConnectionDropped(e.message);
      }
      const { done, value } = read;
      if (done) break;
      parser.push(decoder.decode(value, { stream: true })).forEach(onEvent);
    }
  } finally {
    reader.releaseLock();
  }
}

function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
