package dev.sluice.store;

/**
 * The session store's database failed (unreachable, full, a broken schema): not the caller's fault,
 * and not something a retry of the same call is expected to fix at once. Its message never contains
 * a password.
 */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
