package dev.sluice.tool;

import java.time.Duration;
import java.util.List;

/**
 * How the built-in tools are set up.
 *
 * @param httpAllowHosts the hosts {@code http_get} may fetch: exact names or IP addresses, and
 *     {@code *.example.com} for any subdomain (see {@link HttpGetTool}); empty (or null) allows
 *     none
 * @param httpMaxBytes how much of a response body {@code http_get} keeps (longer bodies are
 *     truncated, with a note); from 1 to {@link #MAX_HTTP_BYTES}
 * @param httpTimeout the limit for a whole {@code http_get} call, redirects and body included
 */
public record ToolSettings(List<String> httpAllowHosts, long httpMaxBytes, Duration httpTimeout) {

  /** A model's context has no use for more; and the body is held in memory. */
  public static final long MAX_HTTP_BYTES = 16L * 1024 * 1024;

  /**
   * @throws IllegalArgumentException for a bad host entry or limit, saying which
   */
  public ToolSettings {
    httpAllowHosts = httpAllowHosts == null ? List.of() : httpAllowHosts;
    HostAllowList.of(httpAllowHosts); // fails on a bad entry, when the config is read
    httpAllowHosts = List.copyOf(httpAllowHosts);
    checkHttpLimits(httpMaxBytes, httpTimeout);
  }

  /** No hosts allowed, 64 KiB bodies, 10 second calls. */
  public static ToolSettings defaults() {
    return new ToolSettings(List.of(), HttpGetTool.DEFAULT_MAX_BYTES, HttpGetTool.DEFAULT_TIMEOUT);
  }

  static void checkHttpLimits(long maxBytes, Duration timeout) {
    if (maxBytes < 1 || maxBytes > MAX_HTTP_BYTES) {
      throw new IllegalArgumentException(
          "http_get max bytes must be from 1 to " + MAX_HTTP_BYTES + ", not " + maxBytes);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("http_get timeout must be positive, not " + timeout);
    }
  }
}
