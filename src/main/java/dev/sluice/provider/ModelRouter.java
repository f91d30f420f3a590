package dev.sluice.provider;

import dev.sluice.config.ModelConfig;
import dev.sluice.error.NotFoundException;
import dev.sluice.openai.TokenCounter;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing table: which provider serves a requested model. Exact names win over patterns ({@code
 * gpt-*}); patterns are tried in config order. Immutable after construction.
 */
public final class ModelRouter implements AutoCloseable {
  private final Map<String, ModelRoute> exact = new LinkedHashMap<>();
  private final List<ModelRoute> patterns = new ArrayList<>();
  private final List<ModelConfig> models;
  private final List<HttpClient> clients = new ArrayList<>();

  public ModelRouter(List<ModelConfig> models, TokenCounter tokens) {
    this.models = List.copyOf(models);
    MockProvider mock = new MockProvider(tokens);
    for (ModelConfig model : models) {
      ChatProvider provider =
          switch (model.provider()) {
            case "mock" -> mock;
            case "openai" -> new OpenAiProvider(model, client(model));
            default -> throw new IllegalArgumentException("unknown provider " + model.provider());
          };
      add(model, provider);
    }
  }

  /** For tests and embedders: a router over providers built elsewhere. */
  public ModelRouter(Map<ModelConfig, ChatProvider> providers) {
    this.models = List.copyOf(providers.keySet());
    providers.forEach(this::add);
  }

  private void add(ModelConfig model, ChatProvider provider) {
    ModelRoute route = new ModelRoute(model.name(), model, provider);
    if (model.isPattern()) {
      patterns.add(route);
    } else {
      exact.put(model.name(), route);
    }
  }

  /** Resolves {@code model}; an unknown one is OpenAI's 404 {@code model_not_found}. */
  public ModelRoute route(String model) {
    ModelRoute route = exact.get(model);
    if (route != null) {
      return route;
    }
    for (ModelRoute pattern : patterns) {
      if (pattern.config().matches(model)) {
        return new ModelRoute(model, pattern.config(), pattern.provider());
      }
    }
    throw NotFoundException.model(model);
  }

  /** Every configured entry, patterns included, in config order. */
  public List<ModelConfig> models() {
    return models;
  }

  private HttpClient client(ModelConfig model) {
    // Plain-http upstreams (vLLM, Ollama, LM Studio) get HTTP/1.1: an h2c upgrade on a POST with
    // a body is refused or mishandled by several of them. Over TLS, HTTP/2 is negotiated by ALPN.
    boolean tls = "https".equals(model.baseUrl().getScheme());
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .connectTimeout(model.connectTimeout());
    if (!tls) {
      // Measured (docs/decisions.md): handing each read to a worker pool costs more CPU per chunk
      // than decoding it, so plain-http responses are decoded on the client's selector thread
      // (OpenAiStream never blocks there). Over TLS the default pool stays: handshakes run their
      // tasks on it, and they must not hold up every other upstream's reads.
      builder.executor(Runnable::run);
    }
    HttpClient client = builder.build();
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    clients.forEach(HttpClient::shutdownNow);
  }
}
