package dev.sluice.error;

/** A model, path or resource that does not exist: 404 {@code invalid_request_error}. */
public final class NotFoundException extends SluiceException {
  public NotFoundException(String param, String code, String message) {
    super(message, param, code);
  }

  /** The error OpenAI returns for an unknown model. */
  public static NotFoundException model(String model) {
    return new NotFoundException(
        "model",
        "model_not_found",
        "The model '" + model + "' does not exist. GET /v1/models lists the models Sluice serves.");
  }

  @Override
  public int status() {
    return 404;
  }

  @Override
  public String type() {
    return "invalid_request_error";
  }
}
