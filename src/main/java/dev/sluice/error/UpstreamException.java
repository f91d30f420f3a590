package dev.sluice.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure of an upstream provider. When the upstream answered with an HTTP error its status,
 * type, code and message are relayed as they are; when it could not be reached or broke its
 * protocol, the status is 502 (or 504 for a timeout) with type {@code upstream_error}.
 *
 * <p>{@link #retryable()} tells whether the same request may succeed if tried again; {@link
 * #retryAfter()} is how long the upstream asked to be left alone, when it said so.
 */
public final class UpstreamException extends SluiceException {
  private final int status;
  private final String type;
  private final Duration retryAfter;

  public UpstreamException(int status, String type, String code, String param, String message) {
    this(status, type, code, param, message, null);
  }

  /**
   * An upstream's own error.
   *
   * @param retryAfter the wait the upstream asked for ({@code Retry-After}), or null
   */
  public UpstreamException(
      int status, String type, String code, String param, String message, Duration retryAfter) {
    super(message, param, code);
    this.status = status;
    this.type = type;
    this.retryAfter = retryAfter;
  }

  public UpstreamException(int status, String message, Throwable cause) {
    super(message, null, null, cause);
    this.status = status;
    this.type = "upstream_error";
    this.retryAfter = null;
  }

  private UpstreamException(String message) {
    super(message, null, "upstream_timeout");
    this.status = 504;
    this.type = "upstream_error";
    this.retryAfter = null;
  }

  /**
   * Sluice gave up waiting on an upstream: a 504 {@code upstream_error} with code {@code
   * upstream_timeout}, whose message says which wait ran out.
   */
  public static UpstreamException timeout(String message) {
    return new UpstreamException(message);
  }

  /** OpenAI's error type for an upstream status that came without one. */
  public static String defaultType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String type() {
    return type;
  }

  /** How long the upstream asked to wait before the next request, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * Whether trying again may succeed: an upstream that could not be reached, timed out (Sluice's
   * own 502 and 504), answered 408, 429 or any 5xx. Other 4xx say the request itself is at fault.
   */
  public boolean retryable() {
    return status == 408 || status == 429 || status >= 500;
  }
}
