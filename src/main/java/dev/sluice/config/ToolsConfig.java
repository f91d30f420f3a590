package dev.sluice.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code tools:} section: settings of the built-in tools.
 *
 * @param httpAllowHosts the hosts {@code http_get} may fetch from ({@code *.example.com} allowed);
 *     empty: none
 */
public record ToolsConfig(List<String> httpAllowHosts, long httpMaxBytes, Duration httpTimeout) {
  public ToolsConfig {
    httpAllowHosts = List.copyOf(httpAllowHosts);
  }

  public static ToolsConfig defaults() {
    return new ToolsConfig(List.of(), 64 * 1024, Duration.ofSeconds(10));
  }
}
