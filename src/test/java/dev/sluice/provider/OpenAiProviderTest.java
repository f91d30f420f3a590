package dev.sluice.provider;

import static dev.sluice.provider.ProviderTestSupport.chat;
import static dev.sluice.provider.ProviderTestSupport.drain;
import static dev.sluice.provider.ProviderTestSupport.finishReasons;
import static dev.sluice.provider.ProviderTestSupport.request;
import static dev.sluice.provider.ProviderTestSupport.text;
import static dev.sluice.provider.ProviderTestSupport.texts;
import static dev.sluice.provider.ProviderTestSupport.usage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.ModelConfig;
import dev.sluice.openai.AssembledToolCall;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.ToolCallAssembler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OpenAiProvider against a fake upstream on a real socket: decoding and what is forwarded. */
@Timeout(5)
class OpenAiProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeUpstream upstream;
  private ModelRouter router;

  @BeforeAll
  static void warmUp() throws Exception {
    ProviderTestSupport.warmUp();
  }

  @BeforeEach
  void start() throws IOException {
    upstream = FakeUpstream.start();
    router =
        new ModelRouter(
            List.of(
                new ModelConfig(
                    "gpt-test",
                    "openai",
                    "upstream-gpt",
                    upstream.baseUrl(),
                    "sk-test-123",
                    "test model",
                    Duration.ofSeconds(2))),
            ProviderTestSupport.TOKENS);
  }

  @AfterEach
  void stop() throws IOException {
    router.close();
    upstream.close();
  }

  private List<StreamEvent> stream(ChatRequest request) throws InterruptedException {
    ModelRoute route = router.route(request.model());
    return drain(route.provider().open(request, route.upstreamModel()));
  }

  private List<StreamEvent> streamHello() throws InterruptedException {
    return stream(chat("gpt-test", "Say hello", ""));
  }

  @Test
  void textReplyArrivesDeltaByDeltaThenFinishThenUsage() throws Exception {
    upstream.script(FakeUpstream.Response.sse(OpenAiFixtures.textReply()));

    List<StreamEvent> events = streamHello();

    List<String> expected = new ArrayList<>(List.of(""));
    expected.addAll(OpenAiFixtures.TEXT_PARTS);
    assertThat(texts(events)).containsExactlyElementsOf(expected);
    assertThat(text(events)).isEqualTo("Hello! The sluice gate is open now.");
    assertThat(finishReasons(events)).containsExactly("stop");
    assertThat(events.subList(events.size() - 2, events.size()))
        .containsExactly(
            new StreamEvent.Finish("stop"),
            new StreamEvent.Usage(
                OpenAiFixtures.TEXT_PROMPT_TOKENS, OpenAiFixtures.TEXT_COMPLETION_TOKENS));
  }

  @Test
  void parallelToolCallFragmentsAssembleIntoTwoCalls() throws Exception {
    upstream.script(FakeUpstream.Response.sse(OpenAiFixtures.toolCalls()));

    List<StreamEvent> events = streamHello();

    ToolCallAssembler assembler = new ToolCallAssembler();
    events.stream()
        .filter(StreamEvent.ToolCall.class::isInstance)
        .forEach(e -> assembler.add((StreamEvent.ToolCall) e));
    List<AssembledToolCall> calls = assembler.calls();
    assertThat(calls)
        .extracting(AssembledToolCall::index, AssembledToolCall::id, AssembledToolCall::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                0, OpenAiFixtures.CALL_0_ID, OpenAiFixtures.CALL_0_NAME),
            org.assertj.core.groups.Tuple.tuple(
                1, OpenAiFixtures.CALL_1_ID, OpenAiFixtures.CALL_1_NAME));
    assertThat(JSON.readTree(calls.get(0).arguments()))
        .isEqualTo(JSON.readTree("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"));
    assertThat(JSON.readTree(calls.get(1).arguments()))
        .isEqualTo(JSON.readTree("{\"timezone\":\"Europe/Paris\",\"format\":\"24h\"}"));
    assertThat(texts(events)).as("content is null in the tool-call deltas").isEmpty();
    assertThat(finishReasons(events)).containsExactly("tool_calls");
    assertThat(usage(events))
        .isEqualTo(
            new StreamEvent.Usage(
                OpenAiFixtures.TOOLS_PROMPT_TOKENS, OpenAiFixtures.TOOLS_COMPLETION_TOKENS));
  }

  @Test
  void forwardsTheBodyWithUpstreamModelStreamingAndUsageButWithoutTheSluiceExtension()
      throws Exception {
    upstream.script(FakeUpstream.Response.sse(OpenAiFixtures.textReply()));
    String messages =
        "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Grüße 👋\"}]";
    ChatRequest request =
        request(
            "{\"model\":\"gpt-test\",\"messages\":"
                + messages
                + ",\"stream\":false,\"stream_options\":{\"include_usage\":false},"
                + "\"temperature\":0.25,\"metadata\":{\"team\":\"search\"},"
                + "\"x_vendor_flag\":true,\"seed\":7,"
                + "\"sluice\":{\"mock\":{\"tokens\":3}}}");

    stream(request);

    FakeUpstream.Recorded forwarded = upstream.lastChatRequest();
    assertThat(forwarded.method()).isEqualTo("POST");
    assertThat(forwarded.header("Authorization")).isEqualTo("Bearer sk-test-123");
    assertThat(forwarded.header("Content-Type")).isEqualTo("application/json");
    assertThat(forwarded.header("Accept")).isEqualTo("text/event-stream");
    JsonNode body = JSON.readTree(forwarded.body());
    assertThat(body.path("model").asText()).isEqualTo("upstream-gpt");
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("stream_options")).isEqualTo(JSON.readTree("{\"include_usage\":true}"));
    assertThat(body.has("sluice")).isFalse();
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.25);
    assertThat(body.path("metadata")).isEqualTo(JSON.readTree("{\"team\":\"search\"}"));
    assertThat(body.path("x_vendor_flag").asBoolean()).isTrue();
    assertThat(body.path("seed").asInt()).isEqualTo(7);
    assertThat(body.path("messages")).isEqualTo(JSON.readTree(messages));
    assertThat(request.body().has("sluice")).as("the client's request is not modified").isTrue();
  }

  @Test
  void withoutAnApiKeyNoAuthorizationIsSentAndPatternsPassTheRequestedName() throws Exception {
    upstream.script(FakeUpstream.Response.sse(OpenAiFixtures.textReply()));
    ModelConfig pattern =
        new ModelConfig(
            "local-*", "openai", null, upstream.baseUrl(), null, null, Duration.ofSeconds(2));
    try (ModelRouter local = new ModelRouter(List.of(pattern), ProviderTestSupport.TOKENS)) {
      ModelRoute route = local.route("local-llama-3");
      drain(route.provider().open(chat("local-llama-3", "hi", ""), route.upstreamModel()));
    }

    FakeUpstream.Recorded forwarded = upstream.lastChatRequest();
    assertThat(forwarded.header("Authorization")).isNull();
    assertThat(JSON.readTree(forwarded.body()).path("model").asText()).isEqualTo("local-llama-3");
  }

  @Test
  void bytesCutInsideEveryMultiByteCharacterAndInsideDataLinesDecodeExactly() throws Exception {
    byte[] body = OpenAiFixtures.unicodeReply("\n").getBytes(StandardCharsets.UTF_8);
    List<Integer> cuts = new ArrayList<>(insideCharacters(body));
    cuts.addAll(insideDataFields(body));
    upstream.script(FakeUpstream.Response.sse(body, toArray(cuts)).withPause(Duration.ofMillis(1)));

    List<StreamEvent> events = streamHello();

    assertThat(text(events)).isEqualTo(OpenAiFixtures.UNICODE_TEXT);
    assertThat(texts(events)).noneMatch(t -> t.contains("\uFFFD"));
    assertThat(finishReasons(events)).containsExactly("stop");
  }

  @Test
  void crlfLineEndingsCutBetweenCrAndLfDecodeExactly() throws Exception {
    byte[] body = crlfWithMultiLineData().getBytes(StandardCharsets.UTF_8);
    List<Integer> cuts = new ArrayList<>(insideCharacters(body));
    for (int i = 0; i + 1 < body.length; i++) {
      if (body[i] == '\r' && body[i + 1] == '\n') {
        cuts.add(i + 1);
      }
    }
    upstream.script(FakeUpstream.Response.sse(body, toArray(cuts)).withPause(Duration.ofMillis(1)));

    List<StreamEvent> events = streamHello();

    assertThat(text(events)).isEqualTo(OpenAiFixtures.UNICODE_TEXT);
    assertThat(texts(events)).noneMatch(t -> t.contains("\uFFFD"));
    assertThat(events).endsWith(new StreamEvent.Finish("stop"), new StreamEvent.Usage(14, 23));
  }

  /**
   * Fixture (c) with CRLF line endings, a keep-alive comment first, and each chunk's JSON split
   * over two {@code data:} lines (valid SSE: they are joined with a newline, which is JSON
   * whitespace). A CR and LF taken for two line endings would end those events early, mid-JSON.
   */
  private static String crlfWithMultiLineData() {
    String body =
        ": keep-alive\r\n\r\n"
            + OpenAiFixtures.unicodeReply("\r\n")
                .replace(",\"choices\":", ",\r\ndata: \"choices\":");
    assertThat(body).contains("\r\ndata: \"choices\":[]");
    return body;
  }

  /**
   * The same decoding without the network in between, one byte per buffer: every cut is certain to
   * reach the decoder as a cut, whatever TCP does with the slices above.
   */
  @Test
  void oneByteReadsDecodeExactly() throws Exception {
    Map<String, String> bodies =
        Map.of(
            "LF", OpenAiFixtures.unicodeReply("\n"),
            "CRLF", OpenAiFixtures.unicodeReply("\r\n"),
            "CR", OpenAiFixtures.unicodeReply("\r"),
            "CRLF, multi-line data", crlfWithMultiLineData());
    for (Map.Entry<String, String> body : bodies.entrySet()) {
      byte[] bytes = body.getValue().getBytes(StandardCharsets.UTF_8);
      List<StreamEvent> events = drain(oneByteAtATime(bytes));
      assertThat(text(events)).as(body.getKey()).isEqualTo(OpenAiFixtures.UNICODE_TEXT);
      assertThat(finishReasons(events)).as(body.getKey()).containsExactly("stop");
    }
  }

  /** Offsets that split each multi-byte UTF-8 character into single bytes. */
  private static List<Integer> insideCharacters(byte[] body) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = 0; i < body.length; i++) {
      if ((body[i] & 0xC0) == 0x80) {
        cuts.add(i);
      }
    }
    assertThat(cuts).as("the fixture has multi-byte characters").hasSizeGreaterThan(40);
    return cuts;
  }

  /** Offsets that cut each {@code data:} field name in two ({@code da|ta:}). */
  private static List<Integer> insideDataFields(byte[] body) {
    String ascii = new String(body, StandardCharsets.ISO_8859_1);
    List<Integer> cuts = new ArrayList<>();
    for (int at = ascii.indexOf("data:"); at >= 0; at = ascii.indexOf("data:", at + 1)) {
      cuts.add(at + 2);
    }
    return cuts;
  }

  private static int[] toArray(List<Integer> cuts) {
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Feeds {@code body} to a stream the way java.net.http would, one byte per delivered buffer, and
   * then completes it.
   */
  private static OpenAiStream oneByteAtATime(byte[] body) {
    OpenAiStream stream = new OpenAiStream();
    stream.onSubscribe(
        new java.util.concurrent.Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    for (byte b : body) {
      stream.onNext(List.of(java.nio.ByteBuffer.wrap(new byte[] {b})));
    }
    stream.onComplete();
    return stream;
  }
}
