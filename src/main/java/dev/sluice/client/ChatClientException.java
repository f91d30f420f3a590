package dev.sluice.client;

/** The server refused a request or reported an error mid-stream; the message says which. */
public final class ChatClientException extends RuntimeException {
  private final int status;

  public ChatClientException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status, or 200 for an error reported inside a stream, or 0 when unreachable. */
  public int status() {
    return status;
  }
}
