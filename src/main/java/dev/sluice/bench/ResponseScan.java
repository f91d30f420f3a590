package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An HTTP/1.1 streaming response read incrementally, as a benchmark client needs it: the status
 * (anything but 200 fails), the body de-chunked when it is chunked, and its SSE events classified
 * without parsing their JSON: content (a non-empty {@code "content":"...}), {@code [DONE]}, an
 * error event, or other (role, finish, usage, comments, which are not reported). Bytes may be cut
 * anywhere between calls. Not thread-safe; one per response.
 */
final class ResponseScan {
  static final int CONTENT = 1;
  static final int DONE = 2;
  static final int FAILED = 3;

  private static final int OTHER = 0;
  private static final byte[] DATA_DONE = ascii("data: [DONE]");
  private static final byte[] DATA_ERROR = ascii("data: {\"error\"");
  private static final byte[] CONTENT_KEY = ascii("\"content\":\"");

  private enum State {
    HEAD,
    SIZE,
    DATA,
    PLAIN,
    END
  }

  private State state = State.HEAD;
  private boolean chunked;
  private long chunkLeft;
  private long sizeValue;
  private int sizeDigits;
  private boolean inExtension;
  private boolean reported;
  private byte[] line = new byte[512];
  private int lineLength;
  private int eventKind = -1; // -1: no line in this event yet
  private String failure;
  private final int[] found = new int[256];

  /** Feeds {@code n} more bytes; returns the kinds of the events they completed, in order. */
  int[] feed(byte[] bytes, int n) {
    int count = 0;
    for (int i = 0; i < n && count < found.length; i++) {
      byte b = bytes[i];
      switch (state) {
        case HEAD -> head(b);
        case SIZE -> size(b);
        case DATA -> {
          int take = (int) Math.min(chunkLeft, n - i);
          for (int j = 0; j < take && count < found.length; j++) {
            count = sse(bytes[i + j], count);
          }
          chunkLeft -= take;
          i += take - 1;
          if (chunkLeft == 0) {
            state = State.SIZE;
          }
        }
        case PLAIN -> count = sse(b, count);
        case END -> {}
      }
      if (failure != null && !reported) {
        reported = true;
        state = State.END;
        found[count++] = FAILED;
        break;
      }
    }
    return Arrays.copyOf(found, count);
  }

  String failure() {
    return failure != null ? failure : "an error event in the stream";
  }

  private void head(byte b) {
    if (b != '\n') {
      append(b);
      return;
    }
    String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1).strip();
    lineLength = 0;
    if (text.startsWith("HTTP/")) {
      if (!text.startsWith("HTTP/1.1 200")) {
        failure = "status " + text;
      }
    } else if (text.isEmpty()) {
      state = chunked ? State.SIZE : State.PLAIN;
    } else if (text.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:")
        && text.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
      chunked = true;
    }
  }

  /** A chunk-size line, digit by digit: its own state, as an SSE line may span chunks. */
  private void size(byte b) {
    if (b == '\n') {
      if (sizeDigits > 0) { // else the CRLF that ends the previous chunk's data
        chunkLeft = sizeValue;
        state = chunkLeft == 0 ? State.END : State.DATA;
      }
      sizeDigits = 0;
      sizeValue = 0;
      inExtension = false;
    } else if (b == ';') {
      inExtension = true;
    } else if (!inExtension && Character.digit(b, 16) >= 0) {
      sizeValue = sizeValue * 16 + Character.digit(b, 16);
      sizeDigits++;
    }
  }

  private int sse(byte b, int count) {
    if (b == '\r') {
      return count;
    }
    if (b != '\n') {
      append(b);
      return count;
    }
    if (lineLength == 0) {
      if (eventKind >= 0 && eventKind != OTHER) {
        found[count++] = eventKind;
      }
      eventKind = -1;
      return count;
    }
    eventKind = Math.max(eventKind, classify());
    lineLength = 0;
    return count;
  }

  private int classify() {
    if (startsWith(DATA_DONE)) {
      return DONE;
    }
    if (startsWith(DATA_ERROR)) {
      failure = "an error event: " + new String(line, 0, lineLength, StandardCharsets.UTF_8);
      return FAILED;
    }
    int at = indexOf(CONTENT_KEY);
    int first = at + CONTENT_KEY.length;
    return at >= 0 && first < lineLength && line[first] != '"' ? CONTENT : OTHER;
  }

  private boolean startsWith(byte[] prefix) {
    if (lineLength < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (line[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private int indexOf(byte[] part) {
    outer:
    for (int i = 0; i + part.length <= lineLength; i++) {
      for (int j = 0; j < part.length; j++) {
        if (line[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void append(byte b) {
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, line.length * 2);
    }
    line[lineLength++] = b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
