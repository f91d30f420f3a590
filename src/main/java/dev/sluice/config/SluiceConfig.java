package dev.sluice.config;

import java.util.List;

/**
 * The whole, validated configuration.
 *
 * @param source where it came from: a file path, or "defaults"
 */
public record SluiceConfig(
    ServerConfig server,
    StreamsConfig streams,
    List<ModelConfig> models,
    AgentSetup agents,
    String source) {
  public SluiceConfig {
    models = List.copyOf(models);
  }

  /** A config with no agents. */
  public SluiceConfig(
      ServerConfig server, StreamsConfig streams, List<ModelConfig> models, String source) {
    this(server, streams, models, AgentSetup.defaults(), source);
  }

  /** A config with the default stream settings and no agents. */
  public SluiceConfig(ServerConfig server, List<ModelConfig> models, String source) {
    this(server, StreamsConfig.defaults(), models, source);
  }

  public SluiceConfig withServer(ServerConfig newServer) {
    return new SluiceConfig(newServer, streams, models, agents, source);
  }

  public SluiceConfig withStreams(StreamsConfig newStreams) {
    return new SluiceConfig(server, newStreams, models, agents, source);
  }

  public SluiceConfig withAgents(AgentSetup newAgents) {
    return new SluiceConfig(server, streams, models, newAgents, source);
  }
}
