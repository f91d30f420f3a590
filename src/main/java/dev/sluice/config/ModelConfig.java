package dev.sluice.config;

import dev.sluice.stream.Chunking;
import java.net.URI;
import java.time.Duration;

/**
 * One entry of {@code models:}: a name clients send as {@code model}, and where it is served.
 *
 * @param name what clients send; may end in {@code *} to match a family ({@code gpt-*}), in which
 *     case the requested name is passed upstream as it is
 * @param provider {@code openai} or {@code mock}
 * @param upstreamModel the upstream's name for the model, or null to send {@code name}
 * @param baseUrl the upstream's base URL, such as {@code https://api.openai.com/v1}
 * @param apiKey the upstream's key, or null to send none
 * @param chunking how this model's text is grouped into chunks unless a request says otherwise
 * @param resilience retries, fallbacks and timeouts for a failing or stalled upstream
 */
public record ModelConfig(
    String name,
    String provider,
    String upstreamModel,
    URI baseUrl,
    String apiKey,
    String description,
    Duration connectTimeout,
    Chunking chunking,
    Resilience resilience) {

  public static final URI OPENAI_BASE_URL = URI.create("https://api.openai.com/v1");
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** An entry with the default retries, no fallbacks and the default timeouts. */
  public ModelConfig(
      String name,
      String provider,
      String upstreamModel,
      URI baseUrl,
      String apiKey,
      String description,
      Duration connectTimeout,
      Chunking chunking) {
    this(
        name,
        provider,
        upstreamModel,
        baseUrl,
        apiKey,
        description,
        connectTimeout,
        chunking,
        Resilience.DEFAULTS);
  }

  /** An entry with the default chunking, retries and timeouts. */
  public ModelConfig(
      String name,
      String provider,
      String upstreamModel,
      URI baseUrl,
      String apiKey,
      String description,
      Duration connectTimeout) {
    this(
        name,
        provider,
        upstreamModel,
        baseUrl,
        apiKey,
        description,
        connectTimeout,
        Chunking.DEFAULT);
  }

  /** The built-in model that needs nothing configured. */
  public static ModelConfig mock() {
    return new ModelConfig(
        "mock",
        "mock",
        null,
        null,
        null,
        "Sluice's built-in test model: a deterministic reply streamed token by token, offline.",
        DEFAULT_CONNECT_TIMEOUT);
  }

  /** This entry with other retries, fallbacks or timeouts. */
  public ModelConfig withResilience(Resilience settings) {
    return new ModelConfig(
        name,
        provider,
        upstreamModel,
        baseUrl,
        apiKey,
        description,
        connectTimeout,
        chunking,
        settings);
  }

  public boolean isPattern() {
    return name.endsWith("*");
  }

  /** Whether a requested model name is served by this entry. */
  public boolean matches(String requested) {
    return isPattern()
        ? requested.startsWith(name.substring(0, name.length() - 1))
        : name.equals(requested);
  }

  /** The model name to send upstream for a request that asked for {@code requested}. */
  public String upstreamModelFor(String requested) {
    return upstreamModel != null && !isPattern() ? upstreamModel : requested;
  }

  @Override
  public String toString() {
    return "ModelConfig[name="
        + name
        + ", provider="
        + provider
        + ", baseUrl="
        + baseUrl
        + ", apiKey="
        + (apiKey == null ? "none" : "***")
        + "]";
  }
}
