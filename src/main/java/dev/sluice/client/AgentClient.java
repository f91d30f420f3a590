package dev.sluice.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import dev.sluice.stream.SseEvent;
import dev.sluice.stream.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A client for Sluice's (and Agno AgentOS's) agent runs: {@code POST {server}/agents/{id}/runs}
 * with a JSON body ({@code message}, {@code stream}, {@code session_id}), its events reported to a
 * {@link Listener} as they arrive. What {@code sluice chat --agent} uses. Thread-safe; one instance
 * can serve many runs.
 *
 * <p>An HTTP error, a {@code RunError}, a {@code RunCancelled} or a stream that ends before the run
 * does becomes a {@link ChatClientException} whose message says which.
 */
public final class AgentClient {
  /**
   * What a run reports, on the thread that called {@link #run}. Every method does nothing unless
   * overridden.
   */
  public interface Listener {
    /** The run started; its session (new, or the one asked for) and run ids are known. */
    default void started(String sessionId, String runId) {}

    /** A non-empty piece of the answer. */
    default void content(String delta) {}

    /** A tool call started; {@code call} has no result yet. */
    default void toolStarted(ToolCall call) {}

    /** A tool call finished, with its result. */
    default void toolCompleted(ToolCall call) {}

    /** A tool call failed, with its error; the run goes on (the model sees the error). */
    default void toolFailed(ToolCall call) {}

    /** The run completed. */
    default void completed(RunResult result) {}

    /** The run ended in an error or was cancelled; a {@link ChatClientException} follows. */
    default void failed(String message) {}
  }

  /**
   * One tool call.
   *
   * @param args the arguments as the server sent them: a JSON object, or the raw text
   * @param result the result, or null before the call ends or when it failed
   * @param error why it failed, or null
   */
  public record ToolCall(String id, String name, JsonNode args, String result, String error) {}

  /** A completed run: its session (to continue it later), its id and the whole answer. */
  public record RunResult(String sessionId, String runId, String content) {}

  private final URI root;
  private final String apiKey;
  private final HttpClient http;

  /**
   * @param baseUrl the server's root, or its OpenAI base URL such as {@code
   *     http://127.0.0.1:8080/v1} (a trailing {@code /v1} is stripped)
   * @param apiKey the bearer key, or null
   */
  public AgentClient(URI baseUrl, String apiKey) {
    this.root = serverRoot(baseUrl);
    this.apiKey = apiKey;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /** The server's root, ending in {@code /}: the base URL without a trailing {@code /v1}. */
  public static URI serverRoot(URI baseUrl) {
    String url = baseUrl.toString();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    if (url.endsWith("/v1")) {
      url = url.substring(0, url.length() - 3);
    }
    return URI.create(url + "/");
  }

  /**
   * Runs {@code agentId} on {@code message}, reporting to {@code listener}.
   *
   * @param sessionId the session to continue, or null for a new one
   * @param stream whether to stream the run's events; without, the finished run is reported at once
   *     (its tool calls first, then its whole answer as one piece)
   * @throws ChatClientException on an HTTP error, a failed or cancelled run, or a broken stream
   */
  public RunResult run(
      String agentId, String message, String sessionId, boolean stream, Listener listener)
      throws InterruptedException {
    URI uri = runsUri(agentId);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("Accept", stream ? "text/event-stream" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(message, sessionId, stream)));
    if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ChatClientException(0, "cannot reach " + uri + ": " + e);
    }
    if (response.statusCode() != 200) {
      throw new ChatClientException(response.statusCode(), errorMessage(response));
    }
    return stream ? readStream(response, listener) : readWhole(response, listener);
  }

  private URI runsUri(String agentId) {
    String id = URLEncoder.encode(agentId, StandardCharsets.UTF_8).replace("+", "%20");
    return root.resolve("agents/" + id + "/runs");
  }

  private static RunResult readStream(HttpResponse<InputStream> response, Listener listener) {
    RunEventReader events = new RunEventReader(listener);
    SseParser parser = new SseParser(events::accept);
    try (Reader reader = new InputStreamReader(response.body(), StandardCharsets.UTF_8)) {
      char[] buffer = new char[4096];
      for (int n; events.result == null && (n = reader.read(buffer)) >= 0; ) {
        parser.feed(CharBuffer.wrap(buffer, 0, n));
      }
    } catch (IOException e) {
      throw new ChatClientException(0, "the connection broke mid-run: " + e.getMessage());
    }
    if (events.result == null) {
      throw new ChatClientException(0, "the stream ended before the run did");
    }
    return events.result;
  }

  private static RunResult readWhole(HttpResponse<InputStream> response, Listener listener) {
    JsonNode run;
    try (InputStream in = response.body()) {
      run = Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new ChatClientException(200, "unreadable response: " + e.getMessage());
    }
    String sessionId = run.path("session_id").asText(null);
    String runId = run.path("run_id").asText(null);
    listener.started(sessionId, runId);
    for (JsonNode tool : run.path("tools")) {
      listener.toolStarted(toolCall(tool, null));
      ToolCall ended = toolCall(tool, tool.path("error").asText(null));
      if (tool.path("tool_call_error").asBoolean(false)) {
        listener.toolFailed(ended);
      } else {
        listener.toolCompleted(ended);
      }
    }
    String status = run.path("status").asText("");
    if (!status.equals("completed")) {
      String why = run.path("error").asText(status.isEmpty() ? "no status" : status);
      String message = status.equals("cancelled") ? "the run was cancelled: " + why : why;
      listener.failed(message);
      throw new ChatClientException(200, message);
    }
    String content = run.path("content").asText("");
    if (!content.isEmpty()) {
      listener.content(content);
    }
    RunResult result = new RunResult(sessionId, runId, content);
    listener.completed(result);
    return result;
  }

  /** Turns each event of a streamed run into listener calls; keeps the result once it ends. */
  private static final class RunEventReader {
    private final Listener listener;
    private boolean started;
    private RunResult result;

    RunEventReader(Listener listener) {
      this.listener = listener;
    }

    void accept(SseEvent frame) {
      JsonNode event;
      try {
        event = Json.MAPPER.readTree(frame.data());
      } catch (IOException e) {
        throw new ChatClientException(200, "the server sent a malformed event: " + frame.data());
      }
      String name = frame.event() != null ? frame.event() : event.path("event").asText("");
      String sessionId = event.path("session_id").asText(null);
      String runId = event.path("run_id").asText(null);
      if (!started && sessionId != null) {
        started = true;
        listener.started(sessionId, runId);
      }
      JsonNode tool = event.path("tool");
      switch (name) {
        case "RunContent" -> {
          String delta = event.path("content").asText("");
          if (!delta.isEmpty()) {
            listener.content(delta);
          }
        }
        case "ToolCallStarted" -> listener.toolStarted(toolCall(tool, null));
        case "ToolCallCompleted" -> listener.toolCompleted(toolCall(tool, null));
        case "ToolCallError" -> {
          String error = event.path("error").asText(tool.path("error").asText("failed"));
          listener.toolFailed(toolCall(tool, error));
        }
        case "RunCompleted" -> {
          result = new RunResult(sessionId, runId, event.path("content").asText(""));
          listener.completed(result);
        }
        case "RunError" -> fail(event.path("content").asText("the run failed"));
        case "RunCancelled" ->
            fail("the run was cancelled: " + event.path("reason").asText("no reason given"));
        default -> {
          // RunStarted and events this client does not show.
        }
      }
    }

    private void fail(String message) {
      listener.failed(message);
      throw new ChatClientException(200, message);
    }
  }

  private static ToolCall toolCall(JsonNode tool, String error) {
    JsonNode result = tool.path("result");
    return new ToolCall(
        tool.path("tool_call_id").asText(null),
        tool.path("tool_name").asText("?"),
        tool.path("tool_args"),
        error == null && result.isTextual() ? result.asText() : null,
        error);
  }

  private static byte[] body(String message, String sessionId, boolean stream) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("message", message);
    body.put("stream", stream);
    if (sessionId != null) {
      body.put("session_id", sessionId);
    }
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code HTTP <status>: <message>}, the message from OpenAI's or AgentOS's error shape. */
  private static String errorMessage(HttpResponse<InputStream> response) {
    String prefix = "HTTP " + response.statusCode();
    try (InputStream in = response.body()) {
      String text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
      try {
        JsonNode root = Json.MAPPER.readTree(text);
        JsonNode message = root.path("error").path("message");
        if (!message.isTextual()) {
          message = root.path("detail");
        }
        if (message.isTextual()) {
          return prefix + ": " + message.asText();
        }
      } catch (IOException notJson) {
        // Fall through to the raw text.
      }
      return text.isBlank() ? prefix : prefix + ": " + text.strip().replaceAll("\\s+", " ");
    } catch (IOException e) {
      return prefix;
    }
  }
}
