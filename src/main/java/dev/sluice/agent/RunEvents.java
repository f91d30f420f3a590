package dev.sluice.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Builds the typed events of one agent run, as Agno AgentOS does: the JSON carries {@code
 * created_at}, {@code event}, {@code agent_id}, {@code agent_name}, {@code run_id} and {@code
 * session_id} (Agent UI finds events by scanning for JSON objects, so each carries its own name),
 * and null fields are left out. They go to a {@link RunListener}.
 *
 * <p>Thread-safe: tools running in parallel report their own events; a lock keeps events whole and
 * in order.
 */
final class RunEvents {
  private final RunListener listener;
  private final String agentId;
  private final String agentName;
  private final String runId;
  private final String sessionId;
  private final ReentrantLock lock = new ReentrantLock();

  RunEvents(
      RunListener listener, String agentId, String agentName, String runId, String sessionId) {
    this.listener = listener;
    this.agentId = agentId;
    this.agentName = agentName;
    this.runId = runId;
    this.sessionId = sessionId;
  }

  /** Emits {@code name} with the fields {@code fill} adds; false if the listener refused it. */
  boolean emit(String name, Consumer<ObjectNode> fill) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("created_at", System.currentTimeMillis() / 1000);
    event.put("event", name);
    event.put("agent_id", agentId);
    event.put("agent_name", agentName);
    event.put("run_id", runId);
    event.put("session_id", sessionId);
    fill.accept(event);
    dropNulls(event);
    lock.lock();
    try {
      return listener.onEvent(name, event);
    } finally {
      lock.unlock();
    }
  }

  void complete() {
    listener.onEnd();
  }

  private static void dropNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.properties().removeIf(field -> field.getValue().isNull());
      object.forEach(RunEvents::dropNulls);
    }
  }
}
