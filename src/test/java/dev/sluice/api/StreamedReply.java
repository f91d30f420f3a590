package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A streamed chat completion as a plain client receives it: the raw bytes, decoded as strict UTF-8
 * (a malformed or cut character fails the test), split into {@code data:} events and parsed.
 *
 * @param chunks every {@code chat.completion.chunk}, in order, without {@code [DONE]}
 */
record StreamedReply(List<JsonNode> chunks) {

  /** POSTs a streaming request ({@code headers} as name, value pairs) and reads the whole reply. */
  static StreamedReply post(
      HttpClient client, SluiceServer server, String body, String... headers) {
    HttpRequest.Builder request = TestHttp.postJson(server, "/v1/chat/completions", body);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String text = decodeStrictly(response.body());
    assertThat(response.statusCode()).as("status of %s", text).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    return parse(text);
  }

  /** Decodes UTF-8 with malformed and unmappable input reported, never replaced. */
  static String decodeStrictly(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError("the stream is not valid UTF-8: " + e, e);
    }
  }

  private static StreamedReply parse(String body) {
    assertThat(body).endsWith("data: [DONE]\n\n");
    List<JsonNode> chunks = new ArrayList<>();
    String[] events = body.substring(0, body.length() - 2).split("\n\n", -1);
    for (int i = 0; i < events.length - 1; i++) {
      String prefix = "id: " + i + "\ndata: {";
      assertThat(events[i]).startsWith(prefix);
      chunks.add(TestHttp.json(events[i].substring(prefix.length() - 1)));
    }
    assertThat(chunks).isNotEmpty();
    JsonNode role = chunks.get(0).at("/choices/0/delta");
    assertThat(role.path("role").asText()).isEqualTo("assistant");
    assertThat(role.path("content").asText("missing")).isEmpty();
    return new StreamedReply(List.copyOf(chunks));
  }

  /** The {@code content} of every chunk after the role chunk that has one, empty ones included. */
  List<String> contents() {
    List<String> contents = new ArrayList<>();
    for (JsonNode chunk : chunks.subList(1, chunks.size())) {
      JsonNode content = chunk.at("/choices/0/delta/content");
      if (content.isTextual()) {
        contents.add(content.asText());
      }
    }
    return contents;
  }

  String text() {
    return String.join("", contents());
  }

  /** The tool-call fragments of every chunk, in order. */
  List<JsonNode> toolCalls() {
    List<JsonNode> calls = new ArrayList<>();
    for (JsonNode chunk : chunks) {
      chunk.at("/choices/0/delta/tool_calls").forEach(calls::add);
    }
    return calls;
  }

  String finishReason() {
    List<String> reasons = new ArrayList<>();
    for (JsonNode chunk : chunks) {
      JsonNode reason = chunk.at("/choices/0/finish_reason");
      if (reason.isTextual()) {
        reasons.add(reason.asText());
      }
    }
    assertThat(reasons).as("finish reasons").hasSize(1);
    return reasons.get(0);
  }

  /** The usage chunk, which must be the last: no choices, a usage object. */
  JsonNode usage() {
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.get("choices")).as("the usage chunk has no choices").isEmpty();
    JsonNode usage = last.get("usage");
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    return usage;
  }

  /**
   * Asserts the chunks are whole: none empty, and no boundary between two of them inside a
   * surrogate pair or an extended grapheme cluster of the full text.
   */
  static void assertWhole(List<String> contents) {
    assertThat(contents).as("content chunks").doesNotContain("");
    String text = String.join("", contents);
    BreakIterator characters = BreakIterator.getCharacterInstance();
    characters.setText(text);
    Set<Integer> boundaries = new HashSet<>();
    for (int b = characters.first(); b != BreakIterator.DONE; b = characters.next()) {
      boundaries.add(b);
    }
    int at = 0;
    for (String chunk : contents) {
      at += chunk.length();
      assertThat(Character.isHighSurrogate(text.charAt(at - 1)))
          .as("chunk %s ends inside a surrogate pair", chunk)
          .isFalse();
      assertThat(boundaries).as("the cut after %s (offset %d) in %s", chunk, at, text).contains(at);
    }
  }

  /** Whether a word-chunked chunk ends where a word does: after whitespace or a CJK character. */
  static boolean endsWord(String chunk) {
    int last = chunk.codePointBefore(chunk.length());
    Character.UnicodeScript script = Character.UnicodeScript.of(last);
    return Character.isWhitespace(last)
        || script == Character.UnicodeScript.HAN
        || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA
        || (last >= 0x3000 && last <= 0x303F)
        || (last >= 0xFF00 && last <= 0xFFEF);
  }
}
