package dev.sluice.error;

/** A missing or wrong API key: 401 {@code authentication_error}. */
public final class AuthenticationException extends SluiceException {
  public AuthenticationException(String message) {
    super(message, null, "invalid_api_key");
  }

  @Override
  public int status() {
    return 401;
  }

  @Override
  public String type() {
    return "authentication_error";
  }
}
