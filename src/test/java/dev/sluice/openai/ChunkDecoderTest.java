package dev.sluice.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.error.UpstreamException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ChunkDecoder: the parts of an upstream chunk that become events, in any field order. */
class ChunkDecoderTest {
  private static List<StreamEvent> decode(String payload) {
    List<StreamEvent> events = new ArrayList<>();
    ChunkDecoder.decode(payload, events::add);
    return events;
  }

  @Test
  void contentOfTheFirstChoice() {
    assertThat(
            decode(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"Hé \\\"x\\\" \\ud83d\\ude00\"},\"logprobs\":null,"
                    + "\"finish_reason\":null},{\"index\":1,\"delta\":{\"content\":\"other\"}}]}"))
        .containsExactly(new StreamEvent.Text("Hé \"x\" 😀"));
  }

  @Test
  void roleOnlyAndNullContentGiveNoText() {
    assertThat(decode("{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}")).isEmpty();
    assertThat(decode("{\"choices\":[{\"delta\":{\"content\":null}}]}")).isEmpty();
    assertThat(decode("{\"choices\":[{\"delta\":{\"content\":\"\"}}]}"))
        .containsExactly(new StreamEvent.Text(""));
  }

  @Test
  void toolCallFragmentsInOrder() {
    assertThat(
            decode(
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"calc\",\"arguments\":\"\"}},"
                    + "{\"index\":1,\"function\":{\"arguments\":\"{\\\"a\\\"\"}}]}}]}"))
        .containsExactly(
            new StreamEvent.ToolCall(0, "call_1", "calc", ""),
            new StreamEvent.ToolCall(1, null, null, "{\"a\""));
  }

  @Test
  void finishAndUsageComeAfterContentWhateverTheFieldOrder() {
    assertThat(
            decode(
                "{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8},"
                    + "\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"content\":\"!\"}}]}"))
        .containsExactly(
            new StreamEvent.Text("!"), new StreamEvent.Finish("stop"), new StreamEvent.Usage(3, 5));
    assertThat(decode("{\"choices\":[],\"usage\":null}")).isEmpty();
  }

  @Test
  void anErrorPayloadIsThrownWithItsTypeAndMessage() {
    assertThatThrownBy(
            () -> decode("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("overloaded");
    assertThatThrownBy(() -> decode("{\"error\":\"boom\"}")).isInstanceOf(UpstreamException.class);
    assertThat(decode("{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}"))
        .containsExactly(new StreamEvent.Text("ok"));
  }

  @Test
  void malformedOrNonObjectPayloadsAreUpstreamErrors() {
    for (String bad : List.of("{\"choices\":[{\"delta\":{\"content\":\"x", "[1,2]", "42", "")) {
      assertThatThrownBy(() -> decode(bad)).as(bad).isInstanceOf(UpstreamException.class);
    }
  }
}
