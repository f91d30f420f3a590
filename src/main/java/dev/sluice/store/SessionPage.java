package dev.sluice.store;

import java.util.List;

/** One page of sessions and the total count of matching sessions. */
public record SessionPage(List<Session> sessions, long total) {
  public SessionPage {
    sessions = List.copyOf(sessions);
  }
}
