package dev.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private static List<SseEvent> parse(String... fragments) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (String fragment : fragments) {
      parser.feed(fragment);
    }
    return events;
  }

  @Test
  void parsesOpenAiStyleEventsWithLf() {
    assertThat(parse("data: {\"a\":1}\n\ndata: [DONE]\n\n"))
        .containsExactly(new SseEvent(null, null, "{\"a\":1}"), new SseEvent(null, null, "[DONE]"));
  }

  @Test
  void acceptsCrLfAndBareCrLineEndings() {
    assertThat(parse("data: a\r\n\r\ndata: b\r\rdata: c\n\n"))
        .extracting(SseEvent::data)
        .containsExactly("a", "b", "c");
  }

  @Test
  void joinsMultipleDataLinesWithNewline() {
    assertThat(parse("data: one\ndata: two\ndata\n\n"))
        .extracting(SseEvent::data)
        .containsExactly("one\ntwo\n");
  }

  @Test
  void readsEventTypeAndIdAndKeepsIdAcrossEvents() {
    List<SseEvent> events = parse("id: 7\nevent: RunContent\ndata: x\n\ndata: y\n\n");
    assertThat(events)
        .containsExactly(new SseEvent("7", "RunContent", "x"), new SseEvent("7", null, "y"));
  }

  @Test
  void ignoresCommentsRetryUnknownFieldsAndEventsWithoutData() {
    assertThat(parse(": keep-alive\n\nretry: 10\nfoo: bar\n\nevent: x\n\ndata:no-space\n\n"))
        .containsExactly(new SseEvent(null, null, "no-space"));
  }

  @Test
  void removesOnlyOneSpaceAfterTheColon() {
    assertThat(parse("data:  two spaces\n\n"))
        .extracting(SseEvent::data)
        .containsExactly(" two spaces");
  }

  @Test
  void skipsLeadingByteOrderMark() {
    assertThat(parse("\uFEFFdata: x\n\n")).extracting(SseEvent::data).containsExactly("x");
  }

  @Test
  void anIncompleteEventAtTheEndIsNotDispatched() {
    assertThat(parse("data: complete\n\ndata: cut"))
        .extracting(SseEvent::data)
        .containsExactly("complete");
  }

  @Test
  void crLfSplitAcrossFragmentsIsOneLineEnding() {
    assertThat(parse("data: a\r", "\n", "\r", "\ndata: b\r\n\r\n"))
        .extracting(SseEvent::data)
        .containsExactly("a", "b");
  }

  /** Any cut of a stream, with any of the three line endings, gives the same events. */
  @Test
  void cutsAnywhereGiveTheSameEvents() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 2_000; round++) {
      String eol = List.of("\n", "\r\n", "\r").get(random.nextInt(3));
      List<String> payloads = new ArrayList<>();
      StringBuilder stream = new StringBuilder();
      int events = 1 + random.nextInt(6);
      for (int e = 0; e < events; e++) {
        String payload =
            "{\"n\":" + e + ",\"t\":\"h\u00e9 \uD83D\uDE80 \u65e5" + random.nextInt(1000) + "\"}";
        payloads.add(payload);
        if (random.nextBoolean()) {
          stream.append(": ping").append(eol);
        }
        stream.append("data: ").append(payload).append(eol).append(eol);
      }
      String whole = stream.toString();
      List<String> fragments = new ArrayList<>();
      int at = 0;
      while (at < whole.length()) {
        int end = Math.min(whole.length(), at + 1 + random.nextInt(12));
        fragments.add(whole.substring(at, end));
        at = end;
      }
      assertThat(parse(fragments.toArray(String[]::new)))
          .as("seed %d round %d fragments %s", seed, round, fragments)
          .extracting(SseEvent::data)
          .containsExactlyElementsOf(payloads);
    }
  }

  @Test
  void lastEventIdIsTheIdOfTheLastCompleteEventNotOfOneCutOff() {
    SseParser parser = new SseParser(event -> {});
    parser.feed("id: 0\ndata: a\n\nid: 1\ndata: b\n\nid: 2\nda");
    assertThat(parser.lastEventId()).as("event 2 is incomplete: resume after 1").isEqualTo("1");
    parser.feed("ta: c\n");
    assertThat(parser.lastEventId()).isEqualTo("1");
    parser.feed("\n");
    assertThat(parser.lastEventId()).isEqualTo("2");
  }

  @Test
  void lastEventIdIsNullBeforeTheFirstEventCompletes() {
    SseParser parser = new SseParser(event -> {});
    parser.feed("id: 0\ndata: a\n");
    assertThat(parser.lastEventId()).isNull();
  }
}
