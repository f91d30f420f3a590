package dev.sluice.api;

import static dev.sluice.api.TestHttp.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ModelConfig;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad request gets its status and OpenAI's error shape, naming the field at fault,
 * and the server goes on serving: each test ends with a good request.
 */
class BadInputTest {
  private static final int LIMIT = 1024;
  private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

  private static SluiceServer server;
  private static final HttpClient client = TestHttp.client();

  @BeforeAll
  static void start() {
    server = SluiceServer.start(TestHttp.config(null, LIMIT, ModelConfig.mock()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void serverStillServes() {
    HttpResponse<String> response = TestHttp.post(client, server, TestHttp.GOOD_REQUEST);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode completion = TestHttp.json(response.body());
    assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
    assertThat(completion.at("/choices/0/message/content").asText()).isNotBlank();
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        bad("malformed JSON", "{\"model\": \"mock\", \"messages\": [", null),
        bad("trailing garbage", "{\"model\":\"mock\"," + MESSAGES + "} x", null),
        bad("empty body", "", null),
        bad("nesting deeper than 200", "{\"model\":\"mock\",\"x\":" + "[".repeat(300), null),
        bad("body is an array", "[{\"model\":\"mock\"}]", null),
        bad("body is a string", "\"hello\"", null),
        bad("missing model", "{" + MESSAGES + "}", "model"),
        bad("model is a number", "{\"model\":42," + MESSAGES + "}", "model"),
        bad("missing messages", "{\"model\":\"mock\"}", "messages"),
        bad(
            "messages is an object",
            "{\"model\":\"mock\",\"messages\":{\"role\":\"user\"}}",
            "messages"),
        bad("messages is empty", "{\"model\":\"mock\",\"messages\":[]}", "messages"),
        bad(
            "unknown role",
            "{\"model\":\"mock\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}",
            "messages[0].role"),
        bad(
            "content is a number",
            "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":42}]}",
            "messages[0].content"),
        bad(
            "second message lacks content",
            "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                + "{\"role\":\"user\"}]}",
            "messages[1].content"),
        bad(
            "stream is a string",
            "{\"model\":\"mock\",\"stream\":\"yes\"," + MESSAGES + "}",
            "stream"),
        bad(
            "temperature above 2",
            "{\"model\":\"mock\",\"temperature\":2.5," + MESSAGES + "}",
            "temperature"),
        bad(
            "temperature negative",
            "{\"model\":\"mock\",\"temperature\":-1," + MESSAGES + "}",
            "temperature"),
        bad(
            "max_tokens negative",
            "{\"model\":\"mock\",\"max_tokens\":-5," + MESSAGES + "}",
            "max_tokens"),
        bad(
            "max_tokens a decimal",
            "{\"model\":\"mock\",\"max_tokens\":1.5," + MESSAGES + "}",
            "max_tokens"),
        bad(
            "sluice.mock.tokens a string",
            "{\"model\":\"mock\"," + MESSAGES + ",\"sluice\":{\"mock\":{\"tokens\":\"many\"}}}",
            "sluice.mock.tokens"),
        bad(
            "sluice.mock.tokens zero, streaming",
            "{\"model\":\"mock\",\"stream\":true,"
                + MESSAGES
                + ",\"sluice\":{\"mock\":{\"tokens\":0}}}",
            "sluice.mock.tokens"));
  }

  private static Arguments bad(String name, String body, String param) {
    return Arguments.argumentSet(name, body, param);
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void badBodyIsA400NamingTheField(String body, String param) {
    HttpResponse<String> response = TestHttp.post(client, server, body);

    JsonNode error = assertOpenAiError(response, 400, "invalid_request_error");
    if (param == null) {
      assertThat(error.get("param").isNull()).isTrue();
    } else {
      assertThat(error.get("param").asText()).isEqualTo(param);
      assertThat(error.get("message").asText()).contains(param);
    }
  }

  @Test
  void invalidUtf8IsA400() {
    byte[] body =
        "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"\u00ff\"}]}"
            .getBytes(StandardCharsets.ISO_8859_1);
    HttpRequest request =
        TestHttp.request(server, "/v1/chat/completions")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();

    JsonNode error =
        assertOpenAiError(TestHttp.send(client, request), 400, "invalid_request_error");
    assertThat(error.get("message").asText()).contains("UTF-8");
  }

  @ParameterizedTest
  @MethodSource("streamFlags")
  void unknownModelIs404ModelNotFound(boolean stream) {
    HttpResponse<String> response =
        TestHttp.post(
            client, server, "{\"model\":\"gpt-nope\",\"stream\":" + stream + "," + MESSAGES + "}");

    JsonNode error = assertOpenAiError(response, 404, "invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("model_not_found");
    assertThat(error.get("param").asText()).isEqualTo("model");
    assertThat(error.get("message").asText()).contains("gpt-nope");
  }

  static Stream<Boolean> streamFlags() {
    return Stream.of(false, true);
  }

  private static byte[] oversizedBody() {
    String body =
        "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "x".repeat(2 * LIMIT)
            + "\"}]}";
    return body.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void bodyOverTheLimitWithContentLengthIs413() {
    HttpRequest request =
        TestHttp.request(server, "/v1/chat/completions")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(oversizedBody()))
            .build();

    JsonNode error =
        assertOpenAiError(TestHttp.send(client, request), 413, "invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("request_too_large");
  }

  @Test
  void chunkedBodyOverTheLimitIs413() {
    byte[] body = oversizedBody();
    HttpRequest request =
        TestHttp.request(server, "/v1/chat/completions")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    assertThat(request.bodyPublisher().orElseThrow().contentLength())
        .as("no length: sent chunked")
        .isNegative();

    JsonNode error =
        assertOpenAiError(TestHttp.send(client, request), 413, "invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("request_too_large");
  }

  @Test
  void bodyJustUnderTheLimitIsAccepted() {
    String base = TestHttp.GOOD_REQUEST.replace("\"ping\"", "\"\"");
    String body = base.replace("\"\"", "\"" + "y".repeat(LIMIT - base.length()) + "\"");
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(LIMIT);

    assertThat(TestHttp.post(client, server, body).statusCode()).isEqualTo(200);
  }

  @Test
  void getOnChatCompletionsIs405() {
    HttpResponse<String> response = TestHttp.get(client, server, "/v1/chat/completions");

    JsonNode error = assertOpenAiError(response, 405, "invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void unknownPathsAre404() {
    JsonNode get =
        assertOpenAiError(
            TestHttp.get(client, server, "/v1/nothing/here"), 404, "invalid_request_error");
    JsonNode post =
        assertOpenAiError(
            TestHttp.send(client, TestHttp.postJson(server, "/v2/chat", "{}").build()),
            404,
            "invalid_request_error");

    assertThat(get.get("code").asText()).isEqualTo("unknown_url");
    assertThat(get.get("message").asText()).contains("/v1/nothing/here");
    assertThat(post.get("code").asText()).isEqualTo("unknown_url");
  }
}
