package dev.sluice.error;

/**
 * Base of every error Sluice reports to a client. Each subclass fixes the HTTP status and the
 * OpenAI error {@code type}; {@code dev.sluice.api.ErrorResponses} is the one place that turns them
 * into OpenAI's error JSON ({@code {"error":{"message","type","param","code"}}}).
 *
 * <p>Messages are shown to clients as they are: they name the field, the value and the fix, and
 * never contain secrets or stack traces.
 */
public abstract class SluiceException extends RuntimeException {
  private final String param;
  private final String code;

  protected SluiceException(String message, String param, String code) {
    this(message, param, code, null);
  }

  protected SluiceException(String message, String param, String code, Throwable cause) {
    super(message, cause);
    this.param = param;
    this.code = code;
  }

  /** The HTTP status of the error response. */
  public abstract int status();

  /** OpenAI's error type, such as {@code invalid_request_error}. */
  public abstract String type();

  /** The request field at fault, or null. */
  public String param() {
    return param;
  }

  /** A machine-readable code such as {@code model_not_found}, or null. */
  public String code() {
    return code;
  }
}
