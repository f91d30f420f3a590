package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the {@code storage:}, {@code tools:} and {@code agents:} sections of the config. */
final class AgentSetupConfig {
  /** The built-in tools an agent may name. */
  static final List<String> BUILT_IN_TOOLS = List.of("datetime", "calculator", "http_get");

  private static final Set<String> STORAGE_KEYS = Set.of("url", "user", "password");
  private static final Set<String> TOOLS_KEYS = Set.of("http_get");
  private static final Set<String> HTTP_GET_KEYS = Set.of("allow_hosts", "max_bytes", "timeout_ms");
  private static final Set<String> AGENT_KEYS =
      Set.of(
          "id",
          "name",
          "description",
          "model",
          "instructions",
          "tools",
          "history_runs",
          "max_steps");

  private AgentSetupConfig() {}

  static AgentSetup parse(ConfigLoader.Fields fields, ObjectNode top, List<ModelConfig> models) {
    return new AgentSetup(
        storage(fields, top.get("storage")),
        tools(fields, top.get("tools")),
        agents(fields, top.get("agents"), models));
  }

  private static StorageConfig storage(ConfigLoader.Fields fields, JsonNode node) {
    if (node == null || node.isNull()) {
      return StorageConfig.defaults();
    }
    ObjectNode storage = fields.object(node, "storage");
    fields.onlyKeys(storage, "storage", STORAGE_KEYS);
    String url = fields.string(storage, "storage", "url", StorageConfig.DEFAULT_URL);
    if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
      throw fields.error(
          "storage.url",
          "'" + url + "' is not supported; use jdbc:sqlite:<file> or jdbc:postgresql://host/db");
    }
    return new StorageConfig(
        url,
        fields.string(storage, "storage", "user", null),
        fields.string(storage, "storage", "password", null));
  }

  private static ToolsConfig tools(ConfigLoader.Fields fields, JsonNode node) {
    ToolsConfig d = ToolsConfig.defaults();
    if (node == null || node.isNull()) {
      return d;
    }
    ObjectNode tools = fields.object(node, "tools");
    fields.onlyKeys(tools, "tools", TOOLS_KEYS);
    JsonNode http = tools.get("http_get");
    if (http == null || http.isNull()) {
      return d;
    }
    ObjectNode get = fields.object(http, "tools.http_get");
    fields.onlyKeys(get, "tools.http_get", HTTP_GET_KEYS);
    return new ToolsConfig(
        strings(fields, get.get("allow_hosts"), "tools.http_get.allow_hosts"),
        fields.integer(get, "tools.http_get", "max_bytes", d.httpMaxBytes(), 1, 64L << 20),
        Duration.ofMillis(
            fields.integer(
                get, "tools.http_get", "timeout_ms", d.httpTimeout().toMillis(), 1, 300_000)));
  }

  private static List<AgentConfig> agents(
      ConfigLoader.Fields fields, JsonNode node, List<ModelConfig> models) {
    List<AgentConfig> agents = new ArrayList<>();
    if (node == null || node.isNull()) {
      return agents;
    }
    if (!node.isArray()) {
      throw fields.error("agents", "must be a list of agents, each with at least 'id' and 'model'");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      AgentConfig agent = agent(fields, node.get(i), "agents[" + i + "]", models);
      if (!ids.add(agent.id())) {
        throw fields.error(
            "agents[" + i + "].id", "'" + agent.id() + "' is defined twice; ids must be unique");
      }
      agents.add(agent);
    }
    return agents;
  }

  private static AgentConfig agent(
      ConfigLoader.Fields fields, JsonNode node, String path, List<ModelConfig> models) {
    ObjectNode agent = fields.object(node, path);
    fields.onlyKeys(agent, path, AGENT_KEYS);
    String id = fields.string(agent, path, "id", null);
    if (id == null || id.isBlank() || !id.matches("[A-Za-z0-9_.-]+")) {
      throw fields.error(
          path + ".id", "is required: letters, digits, '-', '_' or '.', e.g. helper");
    }
    String model = fields.string(agent, path, "model", null);
    if (model == null || models.stream().noneMatch(m -> m.matches(model))) {
      throw fields.error(
          path + ".model",
          (model == null ? "is required" : "'" + model + "' is not a configured model")
              + "; use one of: "
              + models.stream().map(ModelConfig::name).toList());
    }
    List<String> tools = strings(fields, agent.get("tools"), path + ".tools");
    for (String tool : tools) {
      if (!BUILT_IN_TOOLS.contains(tool)) {
        throw fields.error(
            path + ".tools", "'" + tool + "' is not a built-in tool; use any of " + BUILT_IN_TOOLS);
      }
    }
    return new AgentConfig(
        id,
        fields.string(agent, path, "name", id),
        fields.string(agent, path, "description", null),
        model,
        fields.string(agent, path, "instructions", ""),
        tools,
        (int) fields.integer(agent, path, "history_runs", AgentConfig.DEFAULT_HISTORY_RUNS, 0, 100),
        (int) fields.integer(agent, path, "max_steps", AgentConfig.DEFAULT_MAX_STEPS, 1, 50));
  }

  private static List<String> strings(ConfigLoader.Fields fields, JsonNode node, String path) {
    List<String> values = new ArrayList<>();
    if (node == null || node.isNull()) {
      return values;
    }
    if (!node.isArray()) {
      throw fields.error(path, "must be a list, such as [datetime, calculator]");
    }
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isTextual()) {
        throw fields.error(path + "[" + i + "]", "must be a string");
      }
      values.add(node.get(i).asText());
    }
    return values;
  }
}
