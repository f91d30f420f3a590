package dev.sluice.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.ChatMessage;
import dev.sluice.openai.Json;
import dev.sluice.stream.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A small client for any OpenAI-compatible chat completions endpoint, Sluice's included: what
 * {@code sluice chat} uses. Streams text deltas to a callback in any sizes the server sends,
 * skipping empty ones. Thread-safe; one instance can serve many calls.
 *
 * <p>A {@link #resumable} client (Sluice only) asks for {@code "sluice": {"resumable": true}} and,
 * when the connection drops mid-stream, reconnects to {@code GET
 * {base}/chat/completions/{id}/stream} with {@code Last-Event-ID} set to the last complete event it
 * received, so the callback gets every character once: none lost, none repeated.
 */
public final class ChatClient {
  /**
   * How a resumable stream reconnects after a drop.
   *
   * @param attempts how many reconnections in a row may fail to bring a new event before the stream
   *     is given up; progress resets the count, so a long stream may drop many times
   * @param backoff the wait before the first of them, doubled for each next one (at most 2 s)
   */
  public record Resume(int attempts, Duration backoff) {
    /** Five attempts, starting 100 ms apart. */
    public static final Resume DEFAULT = new Resume(5, Duration.ofMillis(100));

    public Resume {
      if (attempts < 0 || backoff.isNegative()) {
        throw new IllegalArgumentException("attempts and backoff must not be negative");
      }
    }
  }

  private final URI base;
  private final String apiKey;
  private final Resume resume;
  private final HttpClient http;

  /**
   * @param baseUrl such as {@code http://127.0.0.1:8080/v1}
   * @param apiKey the bearer key, or null
   */
  public ChatClient(URI baseUrl, String apiKey) {
    this(
        URI.create(baseUrl.toString().endsWith("/") ? baseUrl.toString() : baseUrl + "/"),
        apiKey,
        null,
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
  }

  private ChatClient(URI base, String apiKey, Resume resume, HttpClient http) {
    this.base = base;
    this.apiKey = apiKey;
    this.resume = resume;
    this.http = http;
  }

  /** This client, with streams that resume after a dropped connection (Sluice servers only). */
  public ChatClient resumable(Resume how) {
    return new ChatClient(base, apiKey, how, http);
  }

  /**
   * Streams a reply, passing each non-empty text delta to {@code onText}; returns the whole text.
   */
  public String stream(String model, List<ChatMessage> messages, Consumer<String> onText)
      throws InterruptedException {
    StreamProgress progress = new StreamProgress(onText, resume != null);
    byte[] body = body(model, messages, true);
    if (resume == null) {
      IOException broke = read(send(post(body)), progress);
      if (broke != null) {
        throw new ChatClientException(0, "the connection broke mid-stream: " + broke.getMessage());
      }
      return progress.text();
    }
    int fruitless = 0; // reconnections in a row that brought no new event
    for (int connection = 0; ; connection++) {
      if (connection > 0) {
        // A short pause: a network that just dropped often needs a moment, a restart longer.
        Thread.sleep(Math.min(2000, resume.backoff().toMillis() << Math.min(fruitless, 10)));
      }
      long before = progress.lastEventId();
      String why = attempt(next(progress, body), progress, connection == 0);
      if (why == null) {
        return progress.text();
      }
      if (connection > 0) {
        fruitless = progress.lastEventId() > before ? 0 : fruitless + 1;
      }
      if (fruitless >= resume.attempts()) {
        throw new ChatClientException(
            0,
            "the connection broke mid-stream and " + resume.attempts() + " resumes failed: " + why);
      }
    }
  }

  /**
   * What to ask next: the stream after its last complete event or, cut off before the first event
   * (whose id names the stream), the request again, which is safe as nothing was shown yet.
   */
  private HttpRequest.Builder next(StreamProgress progress, byte[] body) {
    if (progress.completionId() == null) {
      return post(body);
    }
    if (!progress.numbered()) {
      throw new ChatClientException(
          0, "the connection broke mid-stream, and the server does not number its events");
    }
    String id = URLEncoder.encode(progress.completionId(), StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(base.resolve("chat/completions/" + id + "/stream"))
        .header("Accept", "text/event-stream")
        .header("Last-Event-ID", Long.toString(progress.lastEventId()));
  }

  /**
   * One connection of a resumable stream, read as far as it goes.
   *
   * @return null when the stream is done, else why this connection ended early
   * @throws ChatClientException when retrying cannot help: an HTTP refusal (a 404 for a stream the
   *     server no longer has), an error inside the stream, or a server not reached at all
   */
  private String attempt(HttpRequest.Builder request, StreamProgress progress, boolean first)
      throws InterruptedException {
    HttpResponse<InputStream> response;
    try {
      response = exchange(request);
    } catch (ConnectException e) {
      if (first) {
        throw new ChatClientException(
            0, "cannot reach " + base.resolve("chat/completions") + ": " + e);
      }
      return e.toString(); // after a drop, the server may be restarting: worth another try
    } catch (IOException e) {
      return e.toString(); // the connection broke before the response head was complete
    }
    if (response.statusCode() != 200) {
      ChatClientException refused =
          new ChatClientException(response.statusCode(), errorMessage(response));
      if (response.statusCode() < 500) {
        throw refused;
      }
      return refused.getMessage();
    }
    IOException broke = read(response, progress);
    if (progress.done()) {
      return null;
    }
    return broke != null ? broke.toString() : "the stream ended before [DONE]";
  }

  /** Reads a response to its end; returns why the connection broke, or null if it did not. */
  private static IOException read(HttpResponse<InputStream> response, StreamProgress progress) {
    SseParser parser = new SseParser(progress::accept); // a new one: a cut-off event is dropped
    try (Reader reader = new InputStreamReader(response.body(), StandardCharsets.UTF_8)) {
      char[] buffer = new char[4096];
      for (int n; (n = reader.read(buffer)) >= 0; ) {
        parser.feed(CharBuffer.wrap(buffer, 0, n));
      }
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  /** Asks for a whole reply at once ({@code stream: false}). */
  public String complete(String model, List<ChatMessage> messages) throws InterruptedException {
    HttpResponse<InputStream> response = send(post(body(model, messages, false)));
    try (InputStream in = response.body()) {
      JsonNode root = Json.MAPPER.readTree(in);
      return root.path("choices").path(0).path("message").path("content").asText("");
    } catch (IOException e) {
      throw new ChatClientException(
          response.statusCode(), "unreadable response: " + e.getMessage());
    }
  }

  private HttpRequest.Builder post(byte[] body) {
    return HttpRequest.newBuilder(base.resolve("chat/completions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private HttpResponse<InputStream> send(HttpRequest.Builder request) throws InterruptedException {
    HttpResponse<InputStream> response;
    try {
      response = exchange(request);
    } catch (IOException e) {
      throw new ChatClientException(
          0, "cannot reach " + base.resolve("chat/completions") + ": " + e);
    }
    if (response.statusCode() != 200) {
      throw new ChatClientException(response.statusCode(), errorMessage(response));
    }
    return response;
  }

  private HttpResponse<InputStream> exchange(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    if (apiKey != null && !apiKey.isBlank()) {
      request.setHeader("Authorization", "Bearer " + apiKey);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
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

  private byte[] body(String model, List<ChatMessage> messages, boolean stream) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", model);
    body.put("stream", stream);
    ArrayNode array = body.putArray("messages");
    for (ChatMessage message : messages) {
      array.addObject().put("role", message.role()).put("content", message.text());
    }
    if (stream && resume != null) {
      body.putObject("sluice").put("resumable", true);
    }
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
