package dev.sluice.provider;

import dev.sluice.config.ModelConfig;

/** A requested model name resolved to the configured entry and the provider that serves it. */
public record ModelRoute(String requested, ModelConfig config, ChatProvider provider) {

  /** The name the provider knows the model by. */
  public String upstreamModel() {
    return config.upstreamModelFor(requested);
  }
}
