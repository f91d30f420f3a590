package dev.sluice.error;

/** A request the client must fix: 400 {@code invalid_request_error} naming the field. */
public final class InvalidRequestException extends SluiceException {
  public InvalidRequestException(String param, String message) {
    super(message, param, null);
  }

  public InvalidRequestException(String param, String code, String message) {
    super(message, param, code);
  }

  @Override
  public int status() {
    return 400;
  }

  @Override
  public String type() {
    return "invalid_request_error";
  }
}
