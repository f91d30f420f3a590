package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.openai.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model names behind pattern routes ({@code gpt-*}), read from the upstream's own {@code GET
 * /models} so that {@code /v1/models} can list them. Answers are cached for five minutes; an
 * upstream that does not answer within three seconds contributes nothing (and is asked again next
 * time). Thread-safe.
 */
public final class UpstreamModelList {
  private static final Logger log = LoggerFactory.getLogger(UpstreamModelList.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final long TTL_NANOS = Duration.ofMinutes(5).toNanos();

  private record Cached(List<String> ids, long fetchedNanos) {}

  private HttpClient client; // made on first use: setting up TLS slows the start of every server
  private final ConcurrentHashMap<URI, Cached> cache = new ConcurrentHashMap<>();

  /** The upstream's model ids that {@code pattern} routes, sorted. */
  public List<String> idsFor(ModelConfig pattern) {
    List<String> matching = new ArrayList<>();
    for (String id : fetch(pattern)) {
      if (pattern.matches(id)) {
        matching.add(id);
      }
    }
    return matching;
  }

  private List<String> fetch(ModelConfig pattern) {
    URI url = URI.create(pattern.baseUrl() + "/models");
    Cached cached = cache.get(url);
    if (cached != null && System.nanoTime() - cached.fetchedNanos() < TTL_NANOS) {
      return cached.ids();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET();
    if (pattern.apiKey() != null) {
      request.header("Authorization", "Bearer " + pattern.apiKey());
    }
    try {
      HttpResponse<byte[]> response =
          client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        log.warn("GET {} answered {}; its models are not listed", url, response.statusCode());
        return List.of();
      }
      List<String> ids = new ArrayList<>();
      for (JsonNode model : Json.MAPPER.readTree(response.body()).path("data")) {
        if (model.path("id").isTextual()) {
          ids.add(model.get("id").asText());
        }
      }
      ids.sort(null);
      cache.put(url, new Cached(List.copyOf(ids), System.nanoTime()));
      return ids;
    } catch (IOException e) {
      log.warn("GET {} failed ({}); its models are not listed", url, e.toString());
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private synchronized HttpClient client() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .connectTimeout(TIMEOUT)
              .version(HttpClient.Version.HTTP_1_1)
              .build();
    }
    return client;
  }
}
