package dev.sluice.tool;

/** A tool call that failed; the message is shown to the model (and to the user as the error). */
public final class ToolException extends Exception {
  public ToolException(String message) {
    super(message);
  }

  public ToolException(String message, Throwable cause) {
    super(message, cause);
  }
}
