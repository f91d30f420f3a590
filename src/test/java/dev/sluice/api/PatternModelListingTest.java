package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.openai.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /v1/models lists what a pattern route ("gpt-*") matches at its upstream, as OpenAI does. */
class PatternModelListingTest {
  private HttpServer upstream;
  private SluiceServer sluice;
  private final AtomicInteger listCalls = new AtomicInteger();
  private final AtomicReference<String> authorization = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/v1/models",
        exchange -> {
          listCalls.incrementAndGet();
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              """
              {"object":"list","data":[{"id":"gpt-4o-mini","object":"model"},
               {"id":"whisper-1","object":"model"},{"id":"gpt-4.1","object":"model"}]}"""
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    URI base = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1");
    ModelConfig gpt =
        new ModelConfig("gpt-*", "openai", null, base, "sk-up", "OpenAI", Duration.ofSeconds(2));
    sluice =
        SluiceServer.start(
            new SluiceConfig(
                new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
                List.of(ModelConfig.mock(), gpt),
                "test"));
  }

  @AfterEach
  void stop() {
    sluice.close();
    upstream.stop(0);
  }

  private JsonNode get(String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sluice.port() + path))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return Json.MAPPER.readTree(response.body());
    }
  }

  @Test
  void listsTheUpstreamModelsThePatternMatchesOnceAndCachesThem() throws Exception {
    JsonNode list = get("/v1/models");
    assertThat(list.path("data").findValuesAsText("id"))
        .containsExactly("mock", "gpt-4.1", "gpt-4o-mini");
    assertThat(list.path("data").get(1).path("owned_by").asText()).isEqualTo("openai");
    assertThat(authorization.get()).isEqualTo("Bearer sk-up");
    get("/v1/models");
    assertThat(listCalls.get()).isEqualTo(1);
  }

  @Test
  void aSingleModelOfAPatternIsFound() throws Exception {
    assertThat(get("/v1/models/gpt-4o-mini").path("id").asText()).isEqualTo("gpt-4o-mini");
    assertThat(get("/v1/models/whisper-1").path("error").path("code").asText())
        .isEqualTo("model_not_found");
  }

  @Test
  void anUpstreamThatIsDownListsOnlyTheRest() throws Exception {
    upstream.stop(0);
    assertThat(get("/v1/models").path("data").findValuesAsText("id")).containsExactly("mock");
  }
}
