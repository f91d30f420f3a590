package dev.sluice.stream;

import java.nio.charset.StandardCharsets;

/**
 * Builds complete Server-Sent Event frames: {@code id: <n>\ndata: <payload>\n\n}. Every event
 * Sluice sends carries an id, so that a client can resume with {@code Last-Event-ID}; SSE clients
 * that do not resume (the OpenAI SDKs) ignore it.
 */
public final class SseFrame {
  private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private SseFrame() {}

  /** A frame whose payload is one line of JSON (or {@code [DONE]}). */
  public static byte[] of(long id, byte[] payload, int offset, int length) {
    byte[] number = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
    byte[] frame = new byte[ID.length + number.length + DATA.length + length + END.length];
    int at = put(frame, 0, ID);
    at = put(frame, at, number);
    at = put(frame, at, DATA);
    System.arraycopy(payload, offset, frame, at, length);
    put(frame, at + length, END);
    return frame;
  }

  /**
   * A named event ({@code event: <name>}), as Agno's AgentOS sends its run events; the payload is
   * one line of JSON.
   */
  public static byte[] named(long id, String event, byte[] payload) {
    byte[] head = ("id: " + id + "\nevent: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[head.length + payload.length + END.length];
    int at = put(frame, 0, head);
    at = put(frame, at, payload);
    put(frame, at, END);
    return frame;
  }

  /** OpenAI's end-of-stream marker, {@code data: [DONE]}, with its id. */
  public static byte[] done(long id) {
    return of(id, DONE, 0, DONE.length);
  }

  private static int put(byte[] into, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, into, at, bytes.length);
    return at + bytes.length;
  }
}
