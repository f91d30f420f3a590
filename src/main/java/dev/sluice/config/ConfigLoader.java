package dev.sluice.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sluice.stream.Chunking;
import dev.sluice.stream.ChunkingPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads {@code sluice.yaml}: reads it, replaces {@code ${VAR}} and {@code ${VAR:-default}} from the
 * environment, and validates every field, failing with a {@link ConfigException} that names the
 * file, the field and the fix. Unknown keys are errors (they are usually typos).
 *
 * <p>With no file: the {@code mock} model, plus every {@code gpt-*}, {@code o*} and {@code
 * chatgpt-*} model at OpenAI when {@code OPENAI_API_KEY} is set. {@code SLUICE_API_KEY}, when set,
 * is the server's key whatever the file says.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("sluice.yaml");
  private static final Set<String> TOP_KEYS =
      Set.of("server", "streams", "models", "storage", "tools", "agents");
  private static final Set<String> STREAMS_KEYS =
      Set.of("heartbeat_ms", "resume_ttl_ms", "buffer_bytes", "client_stall_ms");
  private static final Set<String> SERVER_KEYS =
      Set.of("host", "port", "api_key", "max_body_bytes");
  private static final Set<String> MODEL_KEYS =
      Set.of(
          "name",
          "provider",
          "model",
          "base_url",
          "api_key",
          "description",
          "connect_timeout_ms",
          "chunking",
          "max_delay_ms",
          "fallbacks",
          "retry",
          "first_token_timeout_ms",
          "idle_timeout_ms");
  private static final Set<String> PROVIDERS = Set.of("openai", "mock");

  private final Map<String, String> env;

  public ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Loads {@code explicit}, or {@code ./sluice.yaml} if it exists, or the defaults. */
  public SluiceConfig load(Path explicit) {
    SluiceConfig config;
    if (explicit != null) {
      if (!Files.isRegularFile(explicit)) {
        throw new ConfigException(explicit + ": no such file. Check the path given to --config.");
      }
      config = parse(explicit);
    } else if (Files.isRegularFile(DEFAULT_FILE)) {
      config = parse(DEFAULT_FILE);
    } else {
      config = defaults();
    }
    String key = env.get("SLUICE_API_KEY");
    if (key != null && !key.isBlank()) {
      config = config.withServer(config.server().withApiKey(key));
    }
    return config;
  }

  /**
   * The configuration without a file: the mock, plus OpenAI's models when OPENAI_API_KEY is set.
   */
  public SluiceConfig defaults() {
    List<ModelConfig> models = new ArrayList<>(List.of(ModelConfig.mock()));
    String openAiKey = env.get("OPENAI_API_KEY");
    if (openAiKey != null && !openAiKey.isBlank()) {
      for (String family : List.of("gpt-*", "o*", "chatgpt-*")) {
        models.add(
            new ModelConfig(
                family,
                "openai",
                null,
                ModelConfig.OPENAI_BASE_URL,
                openAiKey,
                "OpenAI",
                ModelConfig.DEFAULT_CONNECT_TIMEOUT));
      }
    }
    return new SluiceConfig(ServerConfig.defaults(), models, "defaults");
  }

  SluiceConfig parse(Path file) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new ConfigException(
          file
              + ": not valid YAML: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage());
    }
    Fields fields = new Fields(file.toString(), env);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new SluiceConfig(
          ServerConfig.defaults(), List.of(ModelConfig.mock()), file.toString());
    }
    ObjectNode top = fields.object(root, "");
    fields.onlyKeys(top, "", TOP_KEYS);
    ServerConfig server = server(fields, top.get("server"));
    StreamsConfig streams = streams(fields, top.get("streams"));
    List<ModelConfig> models = models(fields, top.get("models"));
    AgentSetup agents = AgentSetupConfig.parse(fields, top, models);
    return new SluiceConfig(server, streams, models, agents, file.toString());
  }

  private static ServerConfig server(Fields fields, JsonNode node) {
    ServerConfig defaults = ServerConfig.defaults();
    if (node == null || node.isNull()) {
      return defaults;
    }
    ObjectNode server = fields.object(node, "server");
    fields.onlyKeys(server, "server", SERVER_KEYS);
    String host = fields.string(server, "server", "host", defaults.host());
    int port = (int) fields.integer(server, "server", "port", defaults.port(), 0, 65535);
    String key = fields.string(server, "server", "api_key", null);
    long maxBody =
        fields.integer(
            server, "server", "max_body_bytes", defaults.maxBodyBytes(), 1, Integer.MAX_VALUE);
    return new ServerConfig(host, port, key == null || key.isBlank() ? null : key, maxBody);
  }

  private static StreamsConfig streams(Fields fields, JsonNode node) {
    StreamsConfig d = StreamsConfig.defaults();
    if (node == null || node.isNull()) {
      return d;
    }
    ObjectNode streams = fields.object(node, "streams");
    fields.onlyKeys(streams, "streams", STREAMS_KEYS);
    return new StreamsConfig(
        Duration.ofMillis(
            fields.integer(
                streams, "streams", "heartbeat_ms", d.heartbeat().toMillis(), 100, 3_600_000)),
        Duration.ofMillis(
            fields.integer(
                streams,
                "streams",
                "resume_ttl_ms",
                d.resumeRetention().toMillis(),
                0,
                86_400_000)),
        fields.integer(streams, "streams", "buffer_bytes", d.bufferBytes(), 4096, 1L << 30),
        Duration.ofMillis(
            fields.integer(
                streams,
                "streams",
                "client_stall_ms",
                d.clientStall().toMillis(),
                100,
                3_600_000)));
  }

  private static List<ModelConfig> models(Fields fields, JsonNode node) {
    List<ModelConfig> models = new ArrayList<>();
    boolean hasMock = false;
    if (node != null && !node.isNull()) {
      if (!node.isArray()) {
        throw fields.error(
            "models", "must be a list of models, each with at least 'name' and 'provider'");
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < node.size(); i++) {
        ModelConfig model = model(fields, node.get(i), "models[" + i + "]");
        if (!names.add(model.name())) {
          throw fields.error(
              "models[" + i + "].name",
              "'" + model.name() + "' is defined twice; names must be unique");
        }
        hasMock |= model.name().equals("mock");
        models.add(model);
      }
    }
    if (!hasMock) {
      models.add(0, ModelConfig.mock());
    }
    ResilienceConfig.checkFallbacks(fields, models, hasMock ? 0 : 1);
    return models;
  }

  private static ModelConfig model(Fields fields, JsonNode node, String path) {
    ObjectNode model = fields.object(node, path);
    fields.onlyKeys(model, path, MODEL_KEYS);
    String name = fields.string(model, path, "name", null);
    if (name == null || name.isBlank()) {
      throw fields.error(path + ".name", "is required: the name clients send as \"model\"");
    }
    if (name.indexOf('*') >= 0 && name.indexOf('*') != name.length() - 1) {
      throw fields.error(path + ".name", "'" + name + "': '*' may only end a name, as in 'gpt-*'");
    }
    String provider = fields.string(model, path, "provider", null);
    if (provider == null || !PROVIDERS.contains(provider)) {
      throw fields.error(
          path + ".provider",
          (provider == null ? "is required" : "'" + provider + "' is unknown")
              + "; use one of: mock, openai");
    }
    URI baseUrl = null;
    String key = fields.string(model, path, "api_key", null);
    if (provider.equals("openai")) {
      String url = fields.string(model, path, "base_url", ModelConfig.OPENAI_BASE_URL.toString());
      baseUrl = uri(fields, path + ".base_url", url);
    }
    long timeoutMs =
        fields.integer(
            model,
            path,
            "connect_timeout_ms",
            ModelConfig.DEFAULT_CONNECT_TIMEOUT.toMillis(),
            1,
            600_000);
    return new ModelConfig(
        name,
        provider,
        fields.string(model, path, "model", null),
        baseUrl,
        key == null || key.isBlank() ? null : key,
        fields.string(
            model,
            path,
            "description",
            provider.equals("mock") ? ModelConfig.mock().description() : null),
        Duration.ofMillis(timeoutMs),
        chunking(fields, model, path),
        ResilienceConfig.read(fields, model, path));
  }

  private static Chunking chunking(Fields fields, ObjectNode model, String path) {
    String name = fields.string(model, path, "chunking", null);
    ChunkingPolicy policy;
    try {
      policy = name == null ? Chunking.DEFAULT.policy() : ChunkingPolicy.parse(name);
    } catch (IllegalArgumentException e) {
      throw fields.error(path + ".chunking", e.getMessage());
    }
    long delayMs =
        fields.integer(
            model, path, "max_delay_ms", Chunking.DEFAULT.maxDelay().toMillis(), 0, 60_000);
    return new Chunking(policy, Duration.ofMillis(delayMs));
  }

  private static URI uri(Fields fields, String path, String value) {
    try {
      URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new URISyntaxException(value, "not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw fields.error(
          path, "'" + value + "' is not an http(s) URL; write it like http://127.0.0.1:11434/v1");
    }
  }

  /** Typed, interpolated reads of YAML fields, with errors that name the file and the path. */
  record Fields(String file, Map<String, String> env) {
    ConfigException error(String path, String problem) {
      return new ConfigException(file + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }

    ObjectNode object(JsonNode node, String path) {
      if (!node.isObject()) {
        throw error(path, "must be a mapping of keys to values");
      }
      return (ObjectNode) node;
    }

    void onlyKeys(ObjectNode node, String path, Set<String> allowed) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!allowed.contains(key)) {
          throw error(
              (path.isEmpty() ? "" : path + ".") + key,
              "unknown key; expected one of: "
                  + String.join(", ", allowed.stream().sorted().toList()));
        }
      }
    }

    String string(ObjectNode node, String path, String key, String fallback) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isValueNode() || value.isBoolean()) {
        throw error(path + "." + key, "must be a string");
      }
      return Interpolation.apply(value.asText(), env, v -> error(path + "." + key, v));
    }

    long integer(ObjectNode node, String path, String key, long fallback, long min, long max) {
      String text = string(node, path, key, null);
      if (text == null) {
        return fallback;
      }
      try {
        long value = Long.parseLong(text.trim());
        if (value < min || value > max) {
          throw error(path + "." + key, value + " is out of range " + min + ".." + max);
        }
        return value;
      } catch (NumberFormatException e) {
        throw error(path + "." + key, "'" + text + "' is not a whole number");
      }
    }
  }
}
