package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.SluiceServer;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.Resilience;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.openai.TokenCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helpers for the failover tests: a real Sluice server over given models, plain HTTP/1.1 requests,
 * and readings of SSE bodies and of {@code /metrics}.
 */
final class FailoverTestSupport {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private FailoverTestSupport() {}

  /**
   * Pays the one-time costs of a first server (Javalin, Jetty, the pipeline) outside the timed
   * tests. Idempotent.
   */
  static synchronized void warmUpServer() {
    if (!warm) {
      try (SluiceServer server = start(ModelConfig.mock())) {
        post(server, chat("mock", true, "{\"interval_ms\":0,\"tokens\":3}"));
      }
      warm = true;
    }
  }

  private static boolean warm;

  /** A server for {@code models}, sharing the tests' token counter (loaded once). */
  static SluiceServer start(ModelConfig... models) {
    SluiceConfig config =
        new SluiceConfig(
            new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
            List.of(models),
            "test");
    TokenCounter tokens = ProviderTestSupport.TOKENS;
    return SluiceServer.start(config, new ModelRouter(config.models(), tokens), tokens);
  }

  static ModelConfig openai(String name, URI baseUrl, Resilience resilience) {
    return new ModelConfig(name, "openai", null, baseUrl, null, null, Duration.ofSeconds(2))
        .withResilience(resilience);
  }

  static ModelConfig mock(String name, Resilience resilience) {
    return new ModelConfig(name, "mock", null, null, null, null, Duration.ofSeconds(2))
        .withResilience(resilience);
  }

  /** Fast retries for tests: 10 ms initial backoff, a 5 s budget. */
  static Resilience retries(int maxAttempts, String... fallbacks) {
    return Resilience.DEFAULTS
        .withRetry(
            new Resilience.RetryPolicy(
                maxAttempts, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(5)))
        .withFallbacks(List.of(fallbacks));
  }

  /** A base URL on which nothing listens: connections are refused. */
  static URI closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1");
    }
  }

  /** A one-message chat request; {@code mock} is the JSON of {@code sluice.mock}, or null. */
  static String chat(String model, boolean stream, String mock) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
        + (mock == null ? "" : ",\"sluice\":{\"mock\":" + mock + "}")
        + "}";
  }

  static HttpResponse<String> post(SluiceServer server, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The payloads of an SSE body's {@code data:} events, in order; each event must be {@code id:
   * <n>} then {@code data:}, with ids 0, 1, 2...
   */
  static List<String> events(String body) {
    List<String> payloads = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      String prefix = "id: " + payloads.size() + "\ndata: ";
      if (!event.startsWith(prefix)) {
        throw new AssertionError("not event " + payloads.size() + ": " + event);
      }
      payloads.add(event.substring(prefix.length()));
    }
    return payloads;
  }

  /** The text of every content delta, joined. */
  static String content(List<String> payloads) {
    StringBuilder text = new StringBuilder();
    for (String payload : payloads) {
      if (!payload.equals("[DONE]")) {
        json(payload).path("choices").forEach(c -> text.append(c.at("/delta/content").asText("")));
      }
    }
    return text.toString();
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A metric's value from {@code /metrics}, e.g. {@code sluice_fallbacks_total{from="a",...}}. */
  static OptionalDouble metric(SluiceServer server, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$")
            .matcher(server.metrics().scrape());
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }
}
