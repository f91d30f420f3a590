package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.error.UpstreamException;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Any OpenAI-compatible upstream (OpenAI, vLLM, Ollama, LM Studio...): forwards the client's body
 * (minus Sluice's extension, with the upstream model name) as a streaming request and reads the
 * upstream's SSE as it arrives. The upstream is always asked to stream, with usage, whatever the
 * client asked: the pipeline turns the stream into whatever the client wants.
 *
 * <p>Thread-safe; one instance per configured model.
 */
final class OpenAiProvider implements ChatProvider {
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final ModelConfig config;
  private final HttpClient client;
  private final URI endpoint;

  OpenAiProvider(ModelConfig config, HttpClient client) {
    this.config = config;
    this.client = client;
    this.endpoint = URI.create(config.baseUrl() + "/chat/completions");
  }

  @Override
  public UpstreamStream open(ChatRequest request, String upstreamModel)
      throws InterruptedException {
    HttpRequest.Builder http =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(request, upstreamModel)));
    if (config.apiKey() != null) {
      http.header("Authorization", "Bearer " + config.apiKey());
    }
    HttpResponse<Object> response;
    try {
      response = client.send(http.build(), OpenAiProvider::body);
    } catch (HttpConnectTimeoutException e) {
      throw new UpstreamException(
          504,
          "Timed out connecting to the upstream of model '"
              + config.name()
              + "' at "
              + endpoint.getHost()
              + ":"
              + port()
              + ".",
          e);
    } catch (IOException e) {
      throw new UpstreamException(
          502,
          "Could not reach the upstream of model '"
              + config.name()
              + "' at "
              + endpoint.getHost()
              + ":"
              + port()
              + ": "
              + describe(e),
          e);
    }
    if (response.body() instanceof UpstreamStream stream) {
      return stream;
    }
    throw relayedError(response.statusCode(), (byte[]) response.body(), response.headers());
  }

  /**
   * A 200 is streamed as it arrives ({@link OpenAiStream}); anything else is an error whose body is
   * read whole (and cut at {@value #MAX_ERROR_BODY} bytes) to be relayed.
   */
  private static HttpResponse.BodySubscriber<Object> body(HttpResponse.ResponseInfo info) {
    if (info.statusCode() == 200) {
      return HttpResponse.BodySubscribers.mapping(new OpenAiStream(), stream -> stream);
    }
    return HttpResponse.BodySubscribers.mapping(
        HttpResponse.BodySubscribers.ofByteArray(),
        bytes -> bytes.length > MAX_ERROR_BODY ? Arrays.copyOf(bytes, MAX_ERROR_BODY) : bytes);
  }

  private byte[] body(ChatRequest request, String upstreamModel) {
    ObjectNode body = request.body().deepCopy();
    body.remove("sluice");
    body.put("model", upstreamModel);
    body.put("stream", true);
    JsonNode options = body.get("stream_options");
    ObjectNode streamOptions =
        options instanceof ObjectNode o ? o : body.putObject("stream_options");
    streamOptions.put("include_usage", true);
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The upstream's own error, with its status and message, in OpenAI's shape. */
  private UpstreamException relayedError(int status, byte[] body, HttpHeaders headers) {
    String text = new String(body, StandardCharsets.UTF_8);
    Duration retryAfter = status == 429 || status == 503 ? RetryAfter.parse(headers) : null;
    try {
      JsonNode error = Json.MAPPER.readTree(text).path("error");
      if (error.isObject()) {
        return new UpstreamException(
            status,
            error.path("type").asText(UpstreamException.defaultType(status)),
            error.path("code").isNull() ? null : error.path("code").asText(null),
            error.path("param").isNull() ? null : error.path("param").asText(null),
            error.path("message").asText("The upstream answered HTTP " + status),
            retryAfter);
      }
    } catch (IOException | RuntimeException notJson) {
      // Fall through: relay the status with a plain message.
    }
    String snippet = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return new UpstreamException(
        status,
        UpstreamException.defaultType(status),
        null,
        null,
        "The upstream of model '"
            + config.name()
            + "' answered HTTP "
            + status
            + (snippet.isBlank() ? "" : ": " + snippet.strip()),
        retryAfter);
  }

  private int port() {
    return endpoint.getPort() > 0
        ? endpoint.getPort()
        : ("https".equals(endpoint.getScheme()) ? 443 : 80);
  }

  /**
   * What went wrong, for the client's error message. java.net.http's exceptions often carry no
   * message; the client then gets a phrase, never a Java class name.
   */
  private static String describe(IOException e) {
    if (e.getMessage() != null) {
      return e.getMessage();
    }
    return e instanceof java.net.ConnectException
        ? "the connection was refused or failed."
        : "the connection failed.";
  }
}
