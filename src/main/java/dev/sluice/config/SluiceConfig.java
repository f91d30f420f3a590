package dev.sluice.config;

import java.util.List;

/**
 * The whole, validated configuration.
 *
 * @param source where it came from: a file path, or "defaults"
 */
public record SluiceConfig(ServerConfig server, List<ModelConfig> models, String source) {
  public SluiceConfig {
    models = List.copyOf(models);
  }

  public SluiceConfig withServer(ServerConfig newServer) {
    return new SluiceConfig(newServer, models, source);
  }
}
