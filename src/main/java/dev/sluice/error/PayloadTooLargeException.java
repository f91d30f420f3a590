package dev.sluice.error;

/** A request body over the configured limit: 413 {@code invalid_request_error}. */
public final class PayloadTooLargeException extends SluiceException {
  public PayloadTooLargeException(long limitBytes) {
    super(
        "Request body is larger than the limit of "
            + limitBytes
            + " bytes. Send a smaller request, or raise server.max_body_bytes in the config.",
        null,
        "request_too_large");
  }

  @Override
  public int status() {
    return 413;
  }

  @Override
  public String type() {
    return "invalid_request_error";
  }
}
