package dev.sluice.stream;

import java.util.function.Consumer;

/**
 * An incremental Server-Sent Events parser following the WHATWG HTML "event stream interpretation"
 * rules: lines end in CRLF, LF or CR; a blank line dispatches the event; lines starting with {@code
 * :} are comments; one space after the field colon is dropped; {@code data} lines are joined with
 * {@code \n}; an event with no data is not dispatched.
 *
 * <p>Input may be cut anywhere, including between the CR and LF of one line ending: feed the
 * fragments in order with {@link #feed(CharSequence)}. Not thread-safe; one parser per stream.
 */
public final class SseParser {
  private final Consumer<SseEvent> listener;
  private final StringBuilder line = new StringBuilder(256);
  private final StringBuilder data = new StringBuilder(256);
  private String eventType;

  /** The id buffer: set by an {@code id:} line, it applies to the event being read. */
  private String lastId;

  /** The id as of the last dispatched event, what {@link #lastEventId()} reports. */
  private String dispatchedId;

  private boolean hasData;
  private boolean afterCr;
  private boolean started;

  public SseParser(Consumer<SseEvent> listener) {
    this.listener = listener;
  }

  /** Consumes the next fragment of the stream, dispatching every event it completes. */
  public void feed(CharSequence chars) {
    int n = chars.length();
    int i = 0;
    if (!started && n > 0) {
      started = true;
      if (chars.charAt(0) == '\uFEFF') {
        i = 1; // A leading byte-order mark is ignored (WHATWG).
      }
    }
    while (i < n) {
      char c = chars.charAt(i);
      if (afterCr) {
        afterCr = false;
        if (c == '\n') {
          i++;
          continue; // The LF of a CRLF whose CR ended the previous line.
        }
      }
      if (c == '\r') {
        afterCr = true;
        endLine();
        i++;
      } else if (c == '\n') {
        endLine();
        i++;
      } else {
        i = appendLine(chars, i, n);
      }
    }
  }

  /** Appends the line's characters from {@code from} up to its end or the fragment's, in bulk. */
  private int appendLine(CharSequence chars, int from, int n) {
    int end = from + 1;
    while (end < n) {
      char d = chars.charAt(end);
      if (d == '\r' || d == '\n') {
        break;
      }
      end++;
    }
    if (chars instanceof java.nio.CharBuffer b && b.hasArray()) {
      line.append(b.array(), b.arrayOffset() + b.position() + from, end - from);
    } else {
      line.append(chars, from, end);
    }
    return end;
  }

  /**
   * The id as of the last complete event, or null: what a client sends back as Last-Event-ID. An
   * {@code id:} line of an event still being read does not count (WHATWG sets the source's last
   * event ID only when an event is dispatched): a client cut off in the middle of event {@code n}
   * must resume after {@code n - 1}, or it would never see event {@code n}.
   */
  public String lastEventId() {
    return dispatchedId;
  }

  private void endLine() {
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.charAt(0) != ':') {
      int colon = indexOf(line, ':');
      String field = colon < 0 ? line.toString() : line.substring(0, colon);
      int valueStart = colon < 0 ? line.length() : colon + 1;
      if (valueStart < line.length() && line.charAt(valueStart) == ' ') {
        valueStart++;
      }
      field(field, valueStart);
    }
    line.setLength(0);
  }

  private void field(String name, int valueStart) {
    switch (name) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(line, valueStart, line.length());
        hasData = true;
      }
      case "event" -> eventType = line.substring(valueStart);
      case "id" -> {
        String id = line.substring(valueStart);
        if (id.indexOf('\0') < 0) {
          lastId = id;
        }
      }
      default -> {
        // "retry" and unknown fields are ignored.
      }
    }
  }

  private void dispatch() {
    dispatchedId = lastId; // even for an event without data, as WHATWG says
    if (hasData) {
      listener.accept(new SseEvent(lastId, eventType, data.toString()));
    }
    data.setLength(0);
    hasData = false;
    eventType = null;
  }

  private static int indexOf(StringBuilder sb, char c) {
    for (int i = 0; i < sb.length(); i++) {
      if (sb.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }
}
