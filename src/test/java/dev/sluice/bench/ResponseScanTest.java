package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ResponseScan: the same events whatever the cuts between reads, chunked or not. */
class ResponseScanTest {
  private static final String EVENTS =
      "id: 0\ndata: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
          + ": keep-alive\n\n"
          + "id: 1\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hé\"}}]}\r\n\r\n"
          + "data: {\"choices\":[{\"delta\":{\"content\":\" you\"}}]}\n\n"
          + "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
          + "data: [DONE]\n\n";

  private static List<Integer> scan(byte[] response, int cut) {
    ResponseScan scan = new ResponseScan();
    List<Integer> kinds = new ArrayList<>();
    for (int from = 0; from < response.length; from += cut) {
      int n = Math.min(cut, response.length - from);
      byte[] piece = new byte[n];
      System.arraycopy(response, from, piece, 0, n);
      for (int k : scan.feed(piece, n)) {
        kinds.add(k);
      }
    }
    return kinds;
  }

  private static byte[] chunked(String body, int pieceSize) {
    StringBuilder out = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    for (int from = 0; from < b.length; from += pieceSize) {
      int n = Math.min(pieceSize, b.length - from);
      out.append(Integer.toHexString(n)).append("\r\n");
      out.append(new String(b, from, n, StandardCharsets.ISO_8859_1)).append("\r\n");
    }
    out.append("0\r\n\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void contentAndDoneAtEveryCutChunkedOrPlain() {
    List<Integer> expected = List.of(ResponseScan.CONTENT, ResponseScan.CONTENT, ResponseScan.DONE);
    byte[] plain =
        ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + EVENTS)
            .getBytes(StandardCharsets.UTF_8);
    for (int cut = 1; cut <= 40; cut++) {
      assertThat(scan(plain, cut)).as("plain, cut %d", cut).isEqualTo(expected);
      assertThat(scan(chunked(EVENTS, 7), cut)).as("chunked, cut %d", cut).isEqualTo(expected);
    }
  }

  @Test
  void anotherStatusOrAnErrorEventFails() {
    byte[] refused =
        "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(scan(refused, 5)).containsExactly(ResponseScan.FAILED);
    byte[] broken =
        ("HTTP/1.1 200 OK\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {\"error\":{\"message\":\"boom\"}}\n\n")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(scan(broken, 3)).containsExactly(ResponseScan.CONTENT, ResponseScan.FAILED);
  }
}
