package dev.sluice.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the events of a run go: an SSE stream in AgentOS's format, or the content deltas of a chat
 * completion. Called under the run's event lock, so one event at a time.
 */
public interface RunListener {

  /**
   * One event; {@code event} is the complete JSON object, its {@code "event"} field is {@code
   * name}. Returns false when the receiver can take no more (a stalled client): the run stops.
   */
  boolean onEvent(String name, ObjectNode event);

  /** The run has ended; no more events. */
  void onEnd();

  /** A listener that drops everything: for runs nobody streams. */
  RunListener NONE =
      new RunListener() {
        @Override
        public boolean onEvent(String name, ObjectNode event) {
          return true;
        }

        @Override
        public void onEnd() {}
      };
}
