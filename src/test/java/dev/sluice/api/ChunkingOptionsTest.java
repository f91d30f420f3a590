package dev.sluice.api;

import static dev.sluice.api.StreamedReply.endsWord;
import static dev.sluice.api.TestHttp.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.stream.Chunking;
import dev.sluice.stream.ChunkingPolicy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chunking options end to end: the policy and maximum delay chosen per request (body or header) and
 * per model, as a plain HTTP client sees the chunks of the mock's reply.
 */
class ChunkingOptionsTest {
  /**
   * A delay long enough that a busy machine never cuts a word by it, so that chunks depend on the
   * policy alone; the delay itself is tested with a mock that really pauses.
   */
  private static final String PATIENT = "\"max_delay_ms\":10000";

  private static final String SENTENCES =
      "First sentence here. Second one! Third? \"Quoted.\" Then 3.14 stays whole.\n"
          + "New line starts here. End";
  private static final String LINES =
      "# Title\n- first item\n- second item\n```java\nint x = 1;\n```\nDone";
  private static final String MIXED = "One. Two.\nThree four";

  private static SluiceServer server;
  private static final HttpClient client = TestHttp.client();

  @BeforeAll
  static void start() {
    ModelConfig sentences =
        new ModelConfig(
            "mock-sentence",
            "mock",
            null,
            null,
            null,
            "the mock, chunked by sentence",
            ModelConfig.DEFAULT_CONNECT_TIMEOUT,
            new Chunking(ChunkingPolicy.SENTENCE, Duration.ofSeconds(10)));
    server =
        SluiceServer.start(
            TestHttp.config(
                null, ServerConfig.DEFAULT_MAX_BODY_BYTES, ModelConfig.mock(), sentences));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A request for {@code model} with Sluice {@code options} and the mock's, pauses off. */
  private static String body(String model, boolean stream, String options, String mock) {
    return """
        {"model":"%s","stream":%s,"messages":[{"role":"user","content":"Write something."}],
         "sluice":{%s"mock":{"interval_ms":0%s}}}"""
        .formatted(
            model,
            stream,
            options.isEmpty() ? "" : options + ",",
            mock.isEmpty() ? "" : "," + mock);
  }

  private static String text(String text) {
    return "\"text\":" + quote(text);
  }

  /** The content chunks of a streamed reply; none may be empty or split a character. */
  private static List<String> chunks(String model, String options, String mock, String... headers) {
    List<String> contents =
        StreamedReply.post(client, server, body(model, true, options, mock), headers).contents();
    StreamedReply.assertWhole(contents);
    return contents;
  }

  @Test
  void wordIsTheDefault() {
    List<String> chunks = chunks("mock", PATIENT, "\"tokens\":80");

    assertThat(chunks).hasSizeGreaterThan(20);
    for (String chunk : chunks.subList(0, chunks.size() - 1)) {
      assertThat(endsWord(chunk)).as("chunk %s ends a word", chunk).isTrue();
    }
    String cjk = "日本語のテキストです。 Tokyo 東京 is big, really big.";
    List<String> mixed = chunks("mock", PATIENT, text(cjk));
    assertThat(String.join("", mixed)).isEqualTo(cjk);
    assertThat(mixed.subList(0, mixed.size() - 1)).allMatch(StreamedReply::endsWord);
    // Each ideograph ends a word; the last one of a delta waits for the next code point.
    assertThat(mixed)
        .containsExactly(
            "日本語のテキストで", "す", "。 ", "Tokyo 東", "京 ", "is ", "big, ", "really ", "big.");
  }

  @Test
  void sentenceChunksEndAfterATerminatorAndSpaceOrANewline() {
    assertThat(chunks("mock", "\"chunking\":\"sentence\"," + PATIENT, text(SENTENCES)))
        .containsExactly(
            "First sentence here. ",
            "Second one! ",
            "Third? ",
            "\"Quoted.\" ",
            "Then 3.14 stays whole.\n",
            "New line starts here. ",
            "End");

    List<String> generated =
        chunks("mock", "\"chunking\":\"sentence\"," + PATIENT, "\"tokens\":150");
    assertThat(generated).hasSizeGreaterThan(3);
    assertThat(generated.subList(0, generated.size() - 1))
        .allSatisfy(chunk -> assertThat(chunk).matches("(?s).*([.!?][\"')\\]]*\\s+|\\n)"));
  }

  @Test
  void lineGivesOneChunkPerLine() {
    List<String> chunks = chunks("mock", "\"chunking\":\"line\"," + PATIENT, text(LINES));

    assertThat(chunks).containsExactly(LINES.split("(?<=\n)"));
    assertThat(chunks.subList(0, chunks.size() - 1)).allMatch(chunk -> chunk.endsWith("\n"));
  }

  @Test
  void rawSendsMoreChunksThanWordForTheSameText() {
    String mock = text("Hello, world! How are you? Fine, thanks; and you?");

    List<String> raw = chunks("mock", "\"chunking\":\"raw\"," + PATIENT, mock);
    List<String> word = chunks("mock", "\"chunking\":\"word\"," + PATIENT, mock);

    assertThat(String.join("", raw)).isEqualTo(String.join("", word));
    assertThat(word).hasSize(9);
    assertThat(raw).hasSizeGreaterThan(word.size()).anyMatch(chunk -> !endsWord(chunk));
  }

  @Test
  void theHeaderChoosesThePolicyAndTheBodyOverridesIt() {
    assertThat(chunks("mock", PATIENT, text(MIXED), "X-Sluice-Chunking", "line"))
        .containsExactly("One. Two.\n", "Three four");
    assertThat(chunks("mock", PATIENT, text(MIXED), "X-Sluice-Chunking", " LINE "))
        .as("case and surrounding whitespace do not matter")
        .containsExactly("One. Two.\n", "Three four");
    assertThat(
            chunks(
                "mock",
                "\"chunking\":\"sentence\"," + PATIENT,
                text(MIXED),
                "X-Sluice-Chunking",
                "line"))
        .containsExactly("One. ", "Two.\n", "Three four");
  }

  @Test
  void aModelConfiguredWithSentenceUsesItUnlessTheRequestSaysOtherwise() {
    assertThat(chunks("mock-sentence", "", text(MIXED)))
        .containsExactly("One. ", "Two.\n", "Three four");
    assertThat(chunks("mock-sentence", "", text(MIXED), "X-Sluice-Chunking", "word"))
        .containsExactly("One. ", "Two.\n", "Three ", "four");
    assertThat(chunks("mock-sentence", "\"chunking\":\"line\"", text(MIXED)))
        .containsExactly("One. Two.\n", "Three four");
    assertThat(chunks("mock", PATIENT, text(MIXED)))
        .as("other models keep the default")
        .containsExactly("One. ", "Two.\n", "Three ", "four");
  }

  @Test
  void aStalledWordIsReleasedPartlyAfterTheMaxDelayButNotBefore() {
    String words = "Supercalifragilistic expialidocious";
    // The mock pauses 200 ms between its two tokens, mid-sentence.
    String mock = "\"interval_ms\":200," + text(words);

    List<String> stalled = chunks("mock", "\"max_delay_ms\":20", mock);
    assertThat(String.join("", stalled)).isEqualTo(words);
    assertThat(stalled.get(0))
        .as("released during the pause, before the word ended")
        .isNotEmpty()
        .doesNotContain(" ");
    assertThat(stalled.subList(0, stalled.size() - 1)).anyMatch(chunk -> !endsWord(chunk));

    assertThat(chunks("mock", "\"max_delay_ms\":1000", mock))
        .containsExactly("Supercalifragilistic ", "expialidocious");
  }

  static Stream<Arguments> badOptions() {
    return Stream.of(
        arguments("\"chunking\":\"paragraph\"", null, "sluice.chunking"),
        arguments("\"chunking\":5", null, "sluice.chunking"),
        arguments("\"chunking\":[\"word\"]", null, "sluice.chunking"),
        arguments("\"max_delay_ms\":-1", null, "sluice.max_delay_ms"),
        arguments("\"max_delay_ms\":2.5", null, "sluice.max_delay_ms"),
        arguments("\"max_delay_ms\":\"20\"", null, "sluice.max_delay_ms"),
        arguments("\"max_delay_ms\":60001", null, "sluice.max_delay_ms"),
        arguments("\"chunkng\":\"word\"", null, "sluice.chunkng"),
        arguments("", "paragraph", "X-Sluice-Chunking"));
  }

  @ParameterizedTest
  @MethodSource("badOptions")
  void badOptionsAreA400NamingTheField(String options, String header, String field) {
    for (boolean stream : new boolean[] {true, false}) {
      HttpRequest.Builder request =
          TestHttp.postJson(server, "/v1/chat/completions", body("mock", stream, options, ""));
      if (header != null) {
        request.header("X-Sluice-Chunking", header);
      }

      JsonNode error =
          TestHttp.assertOpenAiError(
              TestHttp.send(client, request.build()), 400, "invalid_request_error");

      assertThat(error.get("param").asText()).isEqualTo(field);
      assertThat(error.get("message").asText()).contains(field);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raw", "word", "sentence", "line"})
  void nonStreamingRequestsAcceptTheOptionsAndReturnTheFullText(String policy) {
    String options = "\"chunking\":\"" + policy + "\",\"max_delay_ms\":80";
    HttpRequest request =
        TestHttp.postJson(
                server, "/v1/chat/completions", body("mock", false, options, text(SENTENCES)))
            .header("X-Sluice-Chunking", "line")
            .build();

    var response = TestHttp.send(client, request);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode choice = TestHttp.json(response.body()).at("/choices/0");
    assertThat(choice.at("/message/content").asText()).isEqualTo(SENTENCES);
    assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
  }
}
