package dev.sluice.api;

import static dev.sluice.api.TestHttp.json;
import static dev.sluice.api.TestHttp.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.openai.TokenCounter;
import dev.sluice.provider.ChatProvider;
import dev.sluice.provider.ModelRouter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SSE stream byte by byte, as a plain HTTP client sees it. */
class SseWireTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private static final ScriptedProvider gated = new ScriptedProvider(ScriptedProvider.Mode.GATED);
  private static final ScriptedProvider endless =
      new ScriptedProvider(ScriptedProvider.Mode.ENDLESS);
  private static SluiceServer server;
  private static final HttpClient client = TestHttp.client();

  @BeforeAll
  static void start() {
    TokenCounter tokens = new TokenCounter();
    ModelRouter builtIn = new ModelRouter(List.of(ModelConfig.mock()), tokens);
    Map<ModelConfig, ChatProvider> providers = new LinkedHashMap<>();
    providers.put(ModelConfig.mock(), builtIn.route("mock").provider());
    providers.put(scripted("gated"), gated);
    providers.put(scripted("endless"), endless);
    server = SluiceServer.start(TestHttp.mockConfig(), new ModelRouter(providers), tokens);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static ModelConfig scripted(String name) {
    return new ModelConfig(
        name, "scripted", null, null, null, "test script", ModelConfig.DEFAULT_CONNECT_TIMEOUT);
  }

  private static String streamBody(String model, String mock, boolean includeUsage) {
    return """
        {"model":"%s","stream":true,"stream_options":{"include_usage":%s},
         "messages":[{"role":"user","content":"Say hi"}],
         "sluice":{"mock":{"interval_ms":0%s}}}"""
        .formatted(model, includeUsage, mock.isEmpty() ? "" : "," + mock);
  }

  /**
   * Splits a complete body into its events, asserting each is exactly {@code id: N\ndata: X\n\n}
   * with ids 0, 1, 2... in order.
   */
  private static List<String> payloads(String body) {
    assertThat(body).endsWith("data: [DONE]\n\n").doesNotContain("\r");
    List<String> payloads = new ArrayList<>();
    String[] events = body.substring(0, body.length() - 2).split("\n\n", -1);
    for (int i = 0; i < events.length; i++) {
      String prefix = "id: " + i + "\ndata: ";
      assertThat(events[i]).startsWith(prefix);
      assertThat(events[i].substring(prefix.length())).doesNotContain("\n");
      payloads.add(events[i].substring(prefix.length()));
    }
    return payloads;
  }

  private static HttpResponse<String> stream(String body) {
    return TestHttp.post(client, server, body);
  }

  @Test
  void streamHeadersFramingAndOrder() {
    HttpResponse<String> response = stream(streamBody("mock", "\"tokens\":10", false));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
    assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();

    List<String> payloads = payloads(response.body());
    assertThat(payloads.get(payloads.size() - 1)).isEqualTo("[DONE]");
    List<JsonNode> chunks =
        payloads.subList(0, payloads.size() - 1).stream().map(TestHttp::json).toList();
    assertThat(chunks.size()).as("role, some content, finish").isGreaterThanOrEqualTo(3);
    JsonNode first = chunks.get(0);
    for (JsonNode chunk : chunks) {
      assertThat(chunk.get("id").asText())
          .startsWith("chatcmpl-")
          .isEqualTo(first.get("id").asText());
      assertThat(chunk.get("created").asLong()).isEqualTo(first.get("created").asLong());
      assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.get("model").asText()).isEqualTo("mock");
      assertThat(chunk.has("usage")).as("no usage without include_usage").isFalse();
      assertThat(chunk.get("choices")).hasSize(1);
    }
    JsonNode roleDelta = first.at("/choices/0/delta");
    assertThat(roleDelta.get("role").asText()).isEqualTo("assistant");
    assertThat(roleDelta.get("content").asText()).isEmpty();
    List<JsonNode> content = chunks.subList(1, chunks.size() - 1);
    for (JsonNode chunk : content) {
      JsonNode choice = chunk.at("/choices/0");
      assertThat(TestHttp.fieldNames(choice.get("delta"))).containsExactly("content");
      assertThat(choice.at("/delta/content").asText()).isNotEmpty();
      assertThat(choice.get("finish_reason").isNull()).isTrue();
    }
    // Word chunking: every content chunk but the last ends where a word ends (after a space,
    // or after an ideograph: CJK has no spaces).
    for (JsonNode chunk : content.subList(0, content.size() - 1)) {
      String text = chunk.at("/choices/0/delta/content").asText();
      int last = text.codePointBefore(text.length());
      assertThat(Character.isWhitespace(last) || Character.isIdeographic(last))
          .as("chunk %s ends a word", text)
          .isTrue();
    }
    JsonNode finish = chunks.get(chunks.size() - 1).at("/choices/0");
    assertThat(finish.get("delta").isEmpty()).isTrue();
    assertThat(finish.get("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void includeUsageSendsAUsageChunkWithNoChoicesBeforeDone() {
    List<String> payloads = payloads(stream(streamBody("mock", "\"tokens\":6", true)).body());

    assertThat(payloads).last().isEqualTo("[DONE]");
    JsonNode usageChunk = json(payloads.get(payloads.size() - 2));
    assertThat(usageChunk.get("choices").isArray()).isTrue();
    assertThat(usageChunk.get("choices")).isEmpty();
    JsonNode usage = usageChunk.get("usage");
    assertThat(usage.get("completion_tokens").asInt()).isEqualTo(6);
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(usage.get("prompt_tokens").asInt() + 6)
        .isGreaterThan(6);
    JsonNode finish = json(payloads.get(payloads.size() - 3));
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(finish.get("usage").isNull()).as("usage:null on the other chunks").isTrue();
  }

  @Test
  void aSmallStreamHasExactlyOpenAisBytes() {
    String body = stream(streamBody("mock", "\"text\":\"Hi there\"", true)).body();

    JsonNode first = json(payloads(body).get(0));
    String head =
        "data: {\"id\":"
            + quote(first.get("id").asText())
            + ",\"object\":\"chat.completion.chunk\",\"created\":"
            + first.get("created").asLong()
            + ",\"model\":\"mock\",\"system_fingerprint\":null,\"choices\":[";
    String tail = ",\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
    int prompt = json(payloads(body).get(4)).at("/usage/prompt_tokens").asInt();
    String expected =
        "id: 0\n"
            + head
            + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}"
            + tail
            + "id: 1\n"
            + head
            // Word chunking (the default): "Hi" waits for the space that ends it; the last word
            // goes out when the reply finishes.
            + "{\"index\":0,\"delta\":{\"content\":\"Hi \"}"
            + tail
            + "id: 2\n"
            + head
            + "{\"index\":0,\"delta\":{\"content\":\"there\"}"
            + tail
            + "id: 3\n"
            + head
            + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":null}\n\n"
            + "id: 4\n"
            + head
            + "],\"usage\":{\"prompt_tokens\":"
            + prompt
            + ",\"completion_tokens\":2,\"total_tokens\":"
            + (prompt + 2)
            + "}}\n\n"
            + "id: 5\n"
            + "data: [DONE]\n\n";
    assertThat(prompt).isPositive();
    assertThat(body).isEqualTo(expected);
  }

  @Test
  void eachEventIsFlushedAsSoonAsItIsProduced() throws Exception {
    HttpRequest request =
        TestHttp.postJson(server, "/v1/chat/completions", streamBody("gated", "", false)).build();
    HttpResponse<Stream<String>> response =
        client.send(request, HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    ScriptedProvider.ScriptedStream upstream = gated.awaitOpened();

    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      String role = assertTimeoutPreemptively(READ_TIMEOUT, () -> nextData(it));
      assertThat(json(role).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
      String hello = assertTimeoutPreemptively(READ_TIMEOUT, () -> nextData(it));

      assertThat(upstream.release.getCount()).as("provider still blocked").isEqualTo(1);
      // "Hello " waits for the word's end; after the max delay (40 ms) "Hello" goes out, and the
      // space waits for the next character, which could still join it.
      assertThat(json(hello).at("/choices/0/delta/content").asText()).isEqualTo("Hello");

      upstream.release.countDown();
      List<String> rest = new ArrayList<>();
      assertTimeoutPreemptively(READ_TIMEOUT, () -> it.forEachRemaining(rest::add));
      List<String> events = rest.stream().filter(l -> l.startsWith("data: ")).toList();
      assertThat(events).last().isEqualTo("data: [DONE]");
      assertThat(contentOf(events)).isEqualTo(" world!");
      assertThat(String.join("", rest)).contains("\"finish_reason\":\"stop\"");
    }
  }

  @Test
  void aGzipAcceptingClientGetsPlainEventsAsTheyAreProduced() throws Exception {
    HttpRequest request =
        TestHttp.postJson(server, "/v1/chat/completions", streamBody("gated", "", false))
            .header("Accept-Encoding", "gzip")
            .build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    ScriptedProvider.ScriptedStream upstream = gated.awaitOpened();

    assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
    try (InputStream in = response.body()) {
      String role = assertTimeoutPreemptively(READ_TIMEOUT, () -> readEvent(in));
      String hello = assertTimeoutPreemptively(READ_TIMEOUT, () -> readEvent(in));

      assertThat(role).startsWith("id: 0\ndata: {\"id\":\"chatcmpl-").endsWith("}\n\n");
      assertThat(hello).startsWith("id: 1\ndata: {").contains("\"content\":\"Hello\"");
      assertThat(upstream.release.getCount()).as("provider still blocked").isEqualTo(1);
      upstream.release.countDown();
      String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(contentOf(List.of(rest.split("\n\n")))).isEqualTo(" world!");
      assertThat(rest).endsWith("data: [DONE]\n\n");
    }
  }

  /** The text content of events (or their {@code data:} lines), joined. */
  private static String contentOf(List<String> events) {
    StringBuilder text = new StringBuilder();
    for (String event : events) {
      int data = event.indexOf("data: {");
      if (data >= 0) {
        text.append(json(event.substring(data + 6)).at("/choices/0/delta/content").asText(""));
      }
    }
    return text.toString();
  }

  /** The payload of the next {@code data:} line, skipping {@code id:} lines and blank lines. */
  private static String nextData(Iterator<String> lines) {
    while (true) {
      String line = lines.next();
      if (line.startsWith("data: ")) {
        return line.substring(6);
      }
      assertThat(line).matches("(id: \\d+)?");
    }
  }

  @Test
  void aClientThatLeavesMidStreamClosesTheUpstream() throws Exception {
    HttpRequest request =
        TestHttp.postJson(server, "/v1/chat/completions", streamBody("endless", "", false)).build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    ScriptedProvider.ScriptedStream upstream = endless.awaitOpened();
    InputStream in = response.body();
    assertTimeoutPreemptively(READ_TIMEOUT, () -> readEvent(in));
    assertThat(assertTimeoutPreemptively(READ_TIMEOUT, () -> readEvent(in))).contains("Hello");
    assertThat(server.metrics().activeStreams()).isPositive();

    in.close();
    upstream.release.countDown(); // the server now writes ticks to a closed connection

    await().atMost(READ_TIMEOUT).until(() -> upstream.closed.getCount() == 0);
    await().atMost(READ_TIMEOUT).until(() -> server.metrics().activeStreams() == 0);
    assertThat(server.metrics().scrape())
        .contains("sluice_streams_total{model=\"endless\",outcome=\"client_gone\"} 1.0");
  }

  /** Reads one event, through its blank line, byte by byte so nothing is read ahead. */
  private static String readEvent(InputStream in) throws IOException {
    ByteArrayOutputStream event = new ByteArrayOutputStream();
    int previous = -1;
    for (int b; (b = in.read()) != -1; previous = b) {
      event.write(b);
      if (b == '\n' && previous == '\n') {
        break;
      }
    }
    return event.toString(StandardCharsets.UTF_8);
  }
}
