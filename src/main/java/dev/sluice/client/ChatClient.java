package dev.sluice.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.ChatMessage;
import dev.sluice.openai.Json;
import dev.sluice.stream.SseEvent;
import dev.sluice.stream.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * A small client for any OpenAI-compatible chat completions endpoint, Sluice's included: what
 * {@code sluice chat} uses. Streams text deltas to a callback in any sizes the server sends,
 * skipping empty ones. Thread-safe; one instance can serve many calls.
 */
public final class ChatClient {
  private final URI endpoint;
  private final String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * @param baseUrl such as {@code http://127.0.0.1:8080/v1}
   * @param apiKey the bearer key, or null
   */
  public ChatClient(URI baseUrl, String apiKey) {
    String base = baseUrl.toString();
    this.endpoint = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    this.apiKey = apiKey;
  }

  /**
   * Streams a reply, passing each non-empty text delta to {@code onText}; returns the whole text.
   */
  public String stream(String model, List<ChatMessage> messages, Consumer<String> onText)
      throws InterruptedException {
    HttpResponse<InputStream> response = send(body(model, messages, true));
    StringBuilder text = new StringBuilder();
    SseParser parser =
        new SseParser(
            event -> {
              String delta = delta(event);
              if (!delta.isEmpty()) {
                text.append(delta);
                onText.accept(delta);
              }
            });
    try (Reader reader = new InputStreamReader(response.body(), StandardCharsets.UTF_8)) {
      char[] buffer = new char[4096];
      for (int n; (n = reader.read(buffer)) >= 0; ) {
        parser.feed(CharBuffer.wrap(buffer, 0, n));
      }
    } catch (IOException e) {
      throw new ChatClientException(0, "the connection broke mid-stream: " + e.getMessage());
    }
    return text.toString();
  }

  /** Asks for a whole reply at once ({@code stream: false}). */
  public String complete(String model, List<ChatMessage> messages) throws InterruptedException {
    HttpResponse<InputStream> response = send(body(model, messages, false));
    try (InputStream in = response.body()) {
      JsonNode root = Json.MAPPER.readTree(in);
      return root.path("choices").path(0).path("message").path("content").asText("");
    } catch (IOException e) {
      throw new ChatClientException(
          response.statusCode(), "unreadable response: " + e.getMessage());
    }
  }

  private static String delta(SseEvent event) {
    if (event.data().equals("[DONE]")) {
      return "";
    }
    JsonNode chunk;
    try {
      chunk = Json.MAPPER.readTree(event.data());
    } catch (IOException e) {
      throw new ChatClientException(200, "the server sent a malformed event: " + event.data());
    }
    if (chunk.has("error")) {
      throw new ChatClientException(
          200, chunk.path("error").path("message").asText("stream error"));
    }
    JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
    return content.isTextual() ? content.asText() : "";
  }

  private HttpResponse<InputStream> send(byte[] body) throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ChatClientException(0, "cannot reach " + endpoint + ": " + e);
    }
    if (response.statusCode() != 200) {
      throw new ChatClientException(response.statusCode(), errorMessage(response));
    }
    return response;
  }

  private static String errorMessage(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      String text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
      try {
        String message = Json.MAPPER.readTree(text).path("error").path("message").asText(null);
        if (message != null) {
          return "HTTP " + response.statusCode() + ": " + message;
        }
      } catch (IOException notJson) {
        // Fall through to the raw text.
      }
      return "HTTP " + response.statusCode() + (text.isBlank() ? "" : ": " + text.strip());
    } catch (IOException e) {
      return "HTTP " + response.statusCode();
    }
  }

  private static byte[] body(String model, List<ChatMessage> messages, boolean stream) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", model);
    body.put("stream", stream);
    ArrayNode array = body.putArray("messages");
    for (ChatMessage message : messages) {
      array.addObject().put("role", message.role()).put("content", message.text());
    }
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
