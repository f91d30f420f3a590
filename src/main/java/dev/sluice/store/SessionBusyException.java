package dev.sluice.store;

/** A run was started on a session that already has a run in progress. */
public final class SessionBusyException extends RuntimeException {
  public SessionBusyException(String sessionId) {
    super(
        "Session '"
            + sessionId
            + "' already has a run in progress. Wait for it to finish, cancel it, or use another"
            + " session.");
  }
}
