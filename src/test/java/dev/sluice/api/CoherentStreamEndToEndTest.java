package dev.sluice.api;

import static dev.sluice.api.TestHttp.quote;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.provider.FakeUpstream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Coherent chunks end to end: whatever pieces a provider delivers (the mock in messy mode, or an
 * OpenAI-format upstream whose bytes arrive cut inside characters and lines), the client gets the
 * exact text in whole chunks, as valid UTF-8, with usage and tool calls intact.
 */
class CoherentStreamEndToEndTest {
  private static final String[] POLICIES = {"raw", "word", "sentence", "line"};

  /** Text with clusters of many kinds, several of them longer than one code point. */
  private static final String[] FRAGMENTS =
      ("👨\u200D👩\u200D👧\u200D👦|🇯🇵|🇫🇷|👋🏽|e\u0301|a\u0308\u0301|Grüße|東京|日本語の|テキスト|。"
              + "|❤\uFE0F|🏳\uFE0F\u200D🌈|क्षि|\u1100\u1161\u11A8|\r\n|\n| | |, |. |word|stream|🚀"
              + "|✨|café|(ok) ")
          .split("\\|");

  /**
   * Content deltas (separated by {@code |}) cut as tokenizers cut them: inside words, between a
   * letter and its accent, inside a ZWJ family and a flag, between an emoji and its skin tone, and
   * once between the two UTF-16 halves of an emoji (sent as JSON escapes). The first content delta
   * is empty.
   */
  private static final List<String> DELTAS =
      List.of(
          ("|Gr|üß|e aus| 東|京|! Die| Fam|ilie |👨\u200D|👩\u200D👧| fä|hrt| um| 7|:|45| nach"
                  + "| Paris| 🇫|🇷|. Sch|ön|e|\u0301| Grüße| 👋|🏽| und| \uD83D|\uDE80| 日本語|の"
                  + "|テキスト|。| Done|!")
              .split("\\|", -1));

  private static final String TEXT = String.join("", DELTAS);
  private static final List<String> TOOL_TEXT =
      List.of("Let", " me", " check", " the wea", "ther and", " the local", " time.");

  private static FakeUpstream upstream;
  private static SluiceServer server;
  private static final HttpClient client = TestHttp.client();

  @BeforeAll
  static void start() throws IOException {
    upstream = FakeUpstream.start();
    ModelConfig fake =
        new ModelConfig(
            "gpt-fake",
            "openai",
            "gpt-4o",
            upstream.baseUrl(),
            "sk-test",
            "the fake upstream",
            ModelConfig.DEFAULT_CONNECT_TIMEOUT);
    server =
        SluiceServer.start(
            TestHttp.config(null, ServerConfig.DEFAULT_MAX_BODY_BYTES, ModelConfig.mock(), fake));
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  // (a) The mock in messy mode.

  @Test
  void messyMockStreamsComeOutWholeAndExact() throws Exception {
    // 60 long replies (generated, or rich text), each policy, with and without a max delay; four
    // requests at a time.
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        int seed = i;
        runs.add(pool.submit(() -> checkMessyReply(seed)));
      }
      for (Future<?> run : runs) {
        try {
          run.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AssertionError failure) {
            throw failure;
          }
          throw e;
        }
      }
    }
  }

  /** Compares the messy stream of reply {@code i} with the same reply, not messy. */
  private static void checkMessyReply(int i) {
    String text = i % 2 == 0 ? null : richText(i);
    String mock = text == null ? "\"tokens\":" + (60 + i) : "\"text\":" + quote(text);
    String options =
        "\"chunking\":\"%s\",\"max_delay_ms\":%d"
            .formatted(POLICIES[i / 2 % POLICIES.length], i % 3 == 0 ? 0 : 10_000);
    String prompt = "Prompt number " + i + ", please.";

    StreamedReply messy =
        StreamedReply.post(
            client, server, mockBody(prompt, true, options, mock + ",\"messy\":true"));
    String plain =
        TestHttp.json(TestHttp.post(client, server, mockBody(prompt, false, options, mock)).body())
            .at("/choices/0/message/content")
            .asText();

    assertThat(messy.text()).as("reply %d", i).isEqualTo(plain);
    if (text != null) {
      assertThat(plain).isEqualTo(text);
    }
    StreamedReply.assertWhole(messy.contents());
    assertThat(messy.finishReason()).isEqualTo("stop");
  }

  private static String mockBody(String prompt, boolean stream, String options, String mock) {
    return """
        {"model":"mock","stream":%s,"messages":[{"role":"user","content":%s}],
         "sluice":{%s,"mock":{"interval_ms":0,%s}}}"""
        .formatted(stream, quote(prompt), options, mock);
  }

  /** A text of 60 fragments drawn by {@code seed}. */
  private static String richText(int seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder("Reply ").append(seed).append(": ");
    for (int i = 0; i < 60; i++) {
      text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
    }
    return text.toString();
  }

  // (b) A realistic OpenAI stream, cut inside characters and lines.

  @Test
  void anUpstreamCutInsideCharactersAndLinesReachesTheClientWholeWithItsUsage() {
    upstream.script(UpstreamScripts.sliced(UpstreamScripts.textEvents(DELTAS, 17, 42)));

    StreamedReply reply = StreamedReply.post(client, server, fakeBody());

    assertWordCoherentText(reply);
    assertThat(reply.finishReason()).isEqualTo("stop");
    JsonNode usage = reply.usage();
    assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(17);
    assertThat(usage.get("completion_tokens").asInt()).isEqualTo(42);
  }

  @Test
  void withoutUpstreamUsageTheClientStillGetsACountedUsage() {
    upstream.script(UpstreamScripts.sliced(UpstreamScripts.textEvents(DELTAS)));

    StreamedReply reply = StreamedReply.post(client, server, fakeBody());

    assertWordCoherentText(reply);
    JsonNode usage = reply.usage();
    assertThat(usage.get("prompt_tokens").asInt()).isPositive();
    assertThat(usage.get("completion_tokens").asInt()).isPositive();
  }

  private static void assertWordCoherentText(StreamedReply reply) {
    List<String> contents = reply.contents();
    assertThat(reply.text()).isEqualTo(TEXT);
    StreamedReply.assertWhole(contents);
    assertThat(contents.subList(0, contents.size() - 1))
        .allSatisfy(chunk -> assertThat(StreamedReply.endsWord(chunk)).as(chunk).isTrue());
    assertThat(contents).hasSizeLessThan(DELTAS.size()).last().isEqualTo("Done!");
  }

  private static String fakeBody() {
    return """
        {"model":"gpt-fake","stream":true,"stream_options":{"include_usage":true},
         "messages":[{"role":"user","content":"Greet me in many scripts."}],
         "sluice":{"max_delay_ms":10000}}""";
  }

  // (c) Text, then two parallel tool calls.

  @Test
  void toolCallsComeThroughUnchangedAfterTheTextBeforeThem() {
    List<ObjectNode> calls = UpstreamScripts.toolFragments();
    upstream.script(UpstreamScripts.sliced(UpstreamScripts.toolEvents(TOOL_TEXT, calls, 88, 51)));

    StreamedReply reply = StreamedReply.post(client, server, fakeBody());

    List<JsonNode> chunks = reply.chunks();
    int firstCall = 0;
    while (!chunks.get(firstCall).at("/choices/0/delta").has("tool_calls")) {
      firstCall++;
    }
    StringBuilder before = new StringBuilder();
    for (JsonNode chunk : chunks.subList(1, firstCall)) {
      before.append(chunk.at("/choices/0/delta/content").asText());
    }
    assertThat(before).hasToString(String.join("", TOOL_TEXT));
    assertThat(chunks.get(firstCall - 1).at("/choices/0/delta/content").asText())
        .as("the held last word is flushed before the first tool call")
        .endsWith("time.");
    assertThat(reply.contents()).as("no text after the tool calls").hasSize(firstCall - 1);
    List<String> contents = reply.contents();
    StreamedReply.assertWhole(contents);
    assertThat(contents.subList(0, contents.size() - 1)).allMatch(StreamedReply::endsWord);
    assertThat(reply.toolCalls()).containsExactlyElementsOf(calls);
    for (JsonNode chunk : chunks.subList(firstCall, firstCall + calls.size())) {
      assertThat(TestHttp.fieldNames(chunk.at("/choices/0/delta"))).containsExactly("tool_calls");
      assertThat(chunk.at("/choices/0/delta/tool_calls")).hasSize(1);
    }
    assertThat(reply.finishReason()).isEqualTo("tool_calls");
    assertThat(reply.usage().get("completion_tokens").asInt()).isEqualTo(51);
  }
}
