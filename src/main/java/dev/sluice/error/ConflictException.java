package dev.sluice.error;

/** The request conflicts with the state of a resource, such as a session already running: 409. */
public final class ConflictException extends SluiceException {
  public ConflictException(String param, String code, String message) {
    super(message, param, code);
  }

  @Override
  public int status() {
    return 409;
  }

  @Override
  public String type() {
    return "invalid_request_error";
  }
}
