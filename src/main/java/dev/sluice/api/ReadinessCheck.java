package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.openai.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /ready}: 200 when the config is loaded and every upstream answers HTTP at all (any
 * status, even 401, proves it is reachable); 503 naming the unreachable ones otherwise. The mock
 * needs nothing. Upstreams are probed in parallel with {@code GET <base_url>/models}, 2 s each.
 */
final class ReadinessCheck {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final Map<URI, String> upstreams = new LinkedHashMap<>();
  private final HttpClient client;

  ReadinessCheck(List<ModelConfig> models) {
    for (ModelConfig model : models) {
      if (model.baseUrl() != null) {
        upstreams.putIfAbsent(model.baseUrl(), model.name());
      }
    }
    // Only when there is something to probe: a new HttpClient sets up TLS, which costs a few
    // hundred milliseconds of a mock-only server's start.
    client =
        upstreams.isEmpty()
            ? null
            : HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
  }

  /** Probes every upstream and writes the verdict. */
  void handle(io.javalin.http.Context ctx) throws Exception {
    Map<URI, CompletableFuture<Boolean>> probes = new LinkedHashMap<>();
    upstreams.keySet().forEach(url -> probes.put(url, probe(url)));
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode checks = root.putArray("upstreams");
    boolean ready = true;
    for (var entry : probes.entrySet()) {
      boolean reachable = entry.getValue().join();
      ready &= reachable;
      checks
          .addObject()
          .put("model", upstreams.get(entry.getKey()))
          .put("base_url", entry.getKey().toString())
          .put("reachable", reachable);
    }
    root.put("status", ready ? "ready" : "unavailable");
    ctx.status(ready ? 200 : 503)
        .contentType("application/json")
        .result(Json.MAPPER.writeValueAsBytes(root));
  }

  private CompletableFuture<Boolean> probe(URI baseUrl) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/models")).timeout(TIMEOUT).GET().build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(response -> true)
        .exceptionally(failure -> false);
  }
}
