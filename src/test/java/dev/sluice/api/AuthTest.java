package dev.sluice.api;

import static dev.sluice.api.TestHttp.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.models.Model;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** With {@code server.api_key} set, every /v1 request needs {@code Authorization: Bearer <key>}. */
class AuthTest {
  private static final String KEY = "sk-sluice-test-7Qf3x9Lk2Zp";

  private static SluiceServer server;
  private static final HttpClient client = TestHttp.client();

  @BeforeAll
  static void start() {
    server =
        SluiceServer.start(
            TestHttp.config(KEY, ServerConfig.DEFAULT_MAX_BODY_BYTES, ModelConfig.mock()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Sends {@code request}, asserting the key is nowhere in what comes back. */
  private static HttpResponse<String> send(HttpRequest request) {
    HttpResponse<String> response = TestHttp.send(client, request);
    assertThat(response.body()).doesNotContain(KEY);
    response.headers().map().values().forEach(v -> assertThat(v.toString()).doesNotContain(KEY));
    return response;
  }

  private static HttpRequest chat(String authorization) {
    HttpRequest.Builder builder =
        TestHttp.postJson(server, "/v1/chat/completions", TestHttp.GOOD_REQUEST);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.build();
  }

  private static HttpRequest models(String authorization) {
    HttpRequest.Builder builder = TestHttp.request(server, "/v1/models").GET();
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.build();
  }

  @Test
  void requestsWithoutAuthorizationAre401() {
    for (HttpRequest request : new HttpRequest[] {chat(null), models(null)}) {
      JsonNode error = assertOpenAiError(send(request), 401, "authentication_error");
      assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
      assertThat(error.get("message").asText()).contains("Authorization");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Bearer wrong-key",
        "Bearer " + KEY + "x",
        "Bearer " + "sk-sluice-test-7Qf3x9Lk2Z",
        KEY,
        "Basic " + KEY,
        "Bearer",
        "bearer  "
      })
  void wrongKeysAre401(String authorization) {
    assertOpenAiError(send(chat(authorization)), 401, "authentication_error");
    assertOpenAiError(send(models(authorization)), 401, "authentication_error");
  }

  @Test
  void theRightKeyIsLetThrough() {
    HttpResponse<String> completion = send(chat("Bearer " + KEY));
    HttpResponse<String> list = send(models("Bearer " + KEY));
    HttpResponse<String> one =
        send(
            TestHttp.request(server, "/v1/models/mock")
                .header("Authorization", "Bearer " + KEY)
                .GET()
                .build());

    assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
    assertThat(TestHttp.json(completion.body()).at("/choices/0/message/content").asText())
        .isNotBlank();
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(one.statusCode()).isEqualTo(200);
  }

  @Test
  void aStreamWithTheRightKeyIsServed() {
    String body = TestHttp.GOOD_REQUEST.replace("{\"model\"", "{\"stream\":true,\"model\"");
    HttpResponse<String> response =
        send(
            TestHttp.postJson(server, "/v1/chat/completions", body)
                .header("Authorization", "Bearer " + KEY)
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("id: 0\ndata: {").endsWith("data: [DONE]\n\n");
  }

  @Test
  void opsEndpointsNeedNoKey() {
    HttpResponse<String> health = send(TestHttp.request(server, "/health").GET().build());
    HttpResponse<String> ready = send(TestHttp.request(server, "/ready").GET().build());
    HttpResponse<String> metrics = send(TestHttp.request(server, "/metrics").GET().build());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(TestHttp.json(health.body()).get("status").asText()).isEqualTo("ok");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(metrics.statusCode()).isEqualTo(200);
  }

  @Test
  void theOpenAiSdkSendsTheKeyAndReportsAWrongOne() {
    OpenAIClient good = sdk(KEY);
    OpenAIClient bad = sdk("sk-not-the-key");
    try {
      Model mock = good.models().retrieve("mock");
      assertThat(mock.id()).isEqualTo("mock");
      assertThatThrownBy(() -> bad.models().retrieve("mock"))
          .isInstanceOfSatisfying(
              UnauthorizedException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
    } finally {
      good.close();
      bad.close();
    }
  }

  private static OpenAIClient sdk(String key) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(server.openAiBaseUrl().toString())
        .apiKey(key)
        .maxRetries(0)
        .build();
  }
}
