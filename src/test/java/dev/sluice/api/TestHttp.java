package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Plain HTTP/1.1 helpers shared by the server tests. */
final class TestHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A non-streaming request for the mock that answers at once. */
  static final String GOOD_REQUEST =
      """
      {"model":"mock","messages":[{"role":"user","content":"ping"}],
       "sluice":{"mock":{"interval_ms":0,"tokens":5}}}""";

  private TestHttp() {}

  static SluiceConfig config(String apiKey, long maxBodyBytes, ModelConfig... models) {
    return new SluiceConfig(
        new ServerConfig("127.0.0.1", 0, apiKey, maxBodyBytes), List.of(models), "test");
  }

  static SluiceConfig mockConfig() {
    return config(null, ServerConfig.DEFAULT_MAX_BODY_BYTES, ModelConfig.mock());
  }

  static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(TIMEOUT)
        .build();
  }

  static HttpRequest.Builder request(SluiceServer server, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(TIMEOUT);
  }

  static HttpRequest.Builder postJson(SluiceServer server, String path, String body) {
    return request(server, path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> get(HttpClient client, SluiceServer server, String path) {
    return send(client, request(server, path).GET().build());
  }

  static HttpResponse<String> post(HttpClient client, SluiceServer server, String body) {
    return send(client, postJson(server, "/v1/chat/completions", body).build());
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** A JSON string literal for {@code text}. */
  static String quote(String text) {
    return JSON.getNodeFactory().textNode(text).toString();
  }

  /**
   * Asserts an error response in OpenAI's shape: {@code {"error":{"message","type","param",
   * "code"}}} with exactly those keys, a JSON content type and no Java internals in it.
   *
   * @return the error object
   */
  static JsonNode assertOpenAiError(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertNoStackTrace(response.body());
    JsonNode root = json(response.body());
    assertThat(fieldNames(root)).containsExactly("error");
    JsonNode error = root.get("error");
    assertThat(fieldNames(error)).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.get("message").isTextual()).isTrue();
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.get("type").asText()).isEqualTo(type);
    assertThat(error.get("param").isNull() || error.get("param").isTextual()).isTrue();
    assertThat(error.get("code").isNull() || error.get("code").isTextual()).isTrue();
    return error;
  }

  static void assertNoStackTrace(String body) {
    assertThat(body).doesNotContain("at dev.", "at io.", "at org.", "Exception", "\tat ");
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
