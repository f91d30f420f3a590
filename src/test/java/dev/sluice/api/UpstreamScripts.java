package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.provider.FakeUpstream;
import dev.sluice.provider.OpenAiFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Chat Completions stream bodies for the {@link FakeUpstream}, delivered the awkward way
 * real networks and providers deliver them.
 */
final class UpstreamScripts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UpstreamScripts() {}

  /**
   * Role chunk, one chunk per content delta, finish {@code stop}, the usage chunk if {@code usage}
   * holds prompt and completion tokens, then [DONE]. Lone surrogates in a delta are sent as JSON
   * escapes, as an upstream that slices UTF-16 strings sends them.
   */
  static List<String> textEvents(List<String> deltas, int... usage) {
    List<String> events = new ArrayList<>();
    events.add(OpenAiFixtures.chunk(role(), null));
    for (String delta : deltas) {
      events.add(escapeLoneSurrogates(OpenAiFixtures.chunk(content(delta), null)));
    }
    events.add(OpenAiFixtures.chunk(JSON.createObjectNode(), "stop"));
    if (usage.length == 2) {
      events.add(OpenAiFixtures.usageChunk(usage[0], usage[1]));
    }
    events.add("[DONE]");
    return events;
  }

  /** The two parallel calls of {@link OpenAiFixtures}, fragment by fragment, in wire order. */
  static List<ObjectNode> toolFragments() {
    List<ObjectNode> calls = new ArrayList<>();
    calls.add(
        OpenAiFixtures.toolFragment(0, OpenAiFixtures.CALL_0_ID, OpenAiFixtures.CALL_0_NAME, ""));
    for (String arguments : OpenAiFixtures.CALL_0_ARGS) {
      calls.add(OpenAiFixtures.toolFragment(0, null, null, arguments));
    }
    calls.add(
        OpenAiFixtures.toolFragment(1, OpenAiFixtures.CALL_1_ID, OpenAiFixtures.CALL_1_NAME, ""));
    for (String arguments : OpenAiFixtures.CALL_1_ARGS) {
      calls.add(OpenAiFixtures.toolFragment(1, null, null, arguments));
    }
    return calls;
  }

  /**
   * Role chunk, text deltas, one chunk per tool-call fragment, finish {@code tool_calls}, usage.
   */
  static List<String> toolEvents(List<String> text, List<ObjectNode> fragments, int... usage) {
    List<String> events = new ArrayList<>();
    events.add(OpenAiFixtures.chunk(role(), null));
    for (String delta : text) {
      events.add(OpenAiFixtures.chunk(content(delta), null));
    }
    for (ObjectNode fragment : fragments) {
      events.add(OpenAiFixtures.chunk(OpenAiFixtures.toolDelta(fragment.deepCopy()), null));
    }
    events.add(OpenAiFixtures.chunk(JSON.createObjectNode(), "tool_calls"));
    events.add(OpenAiFixtures.usageChunk(usage[0], usage[1]));
    events.add("[DONE]");
    return events;
  }

  /**
   * The events as an SSE body sent in slices that end inside every multi-byte character (twice in a
   * four-byte one), inside every {@code data:} field name and right after it, and between the two
   * line feeds that end each event. A pause between slices makes each its own network read.
   */
  static FakeUpstream.Response sliced(List<String> events) {
    byte[] body = OpenAiFixtures.sse(events, "\n").getBytes(StandardCharsets.UTF_8);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 0; i < body.length; i++) {
      int b = body[i] & 0xFF;
      if (b >= 0xC0) {
        cuts.add(i + 1);
      }
      if (b >= 0xF0) {
        cuts.add(i + 3);
      }
      if (startsWith(body, i, "data:")) {
        cuts.add(i + 2);
        cuts.add(i + 5);
      }
      if (b == '\n' && i + 1 < body.length && body[i + 1] == '\n') {
        cuts.add(i + 1);
      }
    }
    FakeUpstream.Response response =
        FakeUpstream.Response.sse(body, cuts.stream().mapToInt(Integer::intValue).toArray());
    assertThat(response.slices()).hasSizeGreaterThan(2 * events.size());
    return response.withPause(Duration.ofMillis(1));
  }

  private static boolean startsWith(byte[] body, int at, String ascii) {
    byte[] prefix = ascii.getBytes(StandardCharsets.US_ASCII);
    if (at + prefix.length > body.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static ObjectNode role() {
    return JSON.createObjectNode().put("role", "assistant").put("content", "");
  }

  private static ObjectNode content(String text) {
    return JSON.createObjectNode().put("content", text);
  }

  /** Writes each unpaired surrogate as a JSON escape: backslash, u, four hex digits. */
  private static String escapeLoneSurrogates(String json) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))
              : i > 0 && Character.isHighSurrogate(json.charAt(i - 1));
      if (Character.isSurrogate(c) && !paired) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
