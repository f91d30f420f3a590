package dev.sluice.error;

import java.io.IOException;

/**
 * The client closed its connection: a write or flush to it failed. Never reported to anyone (there
 * is nobody to report to); it unwinds the stream so that the upstream is closed.
 */
public final class ClientGoneException extends IOException {
  public ClientGoneException(Throwable cause) {
    super("client disconnected", cause);
  }
}
