package dev.sluice.error;

/**
 * A failure of an upstream provider. When the upstream answered with an HTTP error its status,
 * type, code and message are relayed as they are; when it could not be reached or broke its
 * protocol, the status is 502 (or 504 for a timeout) with type {@code upstream_error}.
 */
public final class UpstreamException extends SluiceException {
  private final int status;
  private final String type;

  public UpstreamException(int status, String type, String code, String param, String message) {
    super(message, param, code);
    this.status = status;
    this.type = type;
  }

  public UpstreamException(int status, String message, Throwable cause) {
    super(message, null, null, cause);
    this.status = status;
    this.type = "upstream_error";
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String type() {
    return type;
  }
}
