package dev.sluice.store;

/** Where a run is: running, or how it ended. */
public enum RunStatus {
  RUNNING,
  COMPLETED,
  ERROR,
  CANCELLED;

  /** The name stored and shown in the API: lower case. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
