package dev.sluice.config;

/**
 * The {@code server:} section.
 *
 * @param apiKey the key every {@code /v1} request must bear, or null for none
 * @param maxBodyBytes the largest request body accepted; larger ones get 413
 */
public record ServerConfig(String host, int port, String apiKey, long maxBodyBytes) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;

  public static ServerConfig defaults() {
    return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, null, DEFAULT_MAX_BODY_BYTES);
  }

  public ServerConfig withHost(String newHost) {
    return new ServerConfig(newHost, port, apiKey, maxBodyBytes);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, apiKey, maxBodyBytes);
  }

  public ServerConfig withApiKey(String newKey) {
    return new ServerConfig(host, port, newKey, maxBodyBytes);
  }

  @Override
  public String toString() {
    // Never print the key: configs get logged.
    return "ServerConfig[host="
        + host
        + ", port="
        + port
        + ", apiKey="
        + (apiKey == null ? "none" : "***")
        + ", maxBodyBytes="
        + maxBodyBytes
        + "]";
  }
}
