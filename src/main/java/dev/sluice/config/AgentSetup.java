package dev.sluice.config;

import java.util.List;

/** The agent layer's config: {@code storage:}, {@code tools:} and {@code agents:}. */
public record AgentSetup(StorageConfig storage, ToolsConfig tools, List<AgentConfig> agents) {
  public AgentSetup {
    agents = List.copyOf(agents);
  }

  public static AgentSetup defaults() {
    return new AgentSetup(StorageConfig.defaults(), ToolsConfig.defaults(), List.of());
  }
}
