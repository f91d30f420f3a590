package dev.sluice.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import dev.sluice.stream.SseFrame;
import dev.sluice.stream.StreamLog;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Writes the typed events of one agent run into its {@link StreamLog}, in Agno AgentOS's wire
 * format: {@code id: <n>}, {@code event: <Name>} and {@code data: <one-line JSON>}, the JSON
 * carrying {@code created_at}, {@code event}, {@code agent_id}, {@code agent_name}, {@code run_id}
 * and {@code session_id} (Agent UI finds events by scanning for JSON objects, so each carries its
 * own name). Null fields are left out, as Agno does.
 *
 * <p>Thread-safe: tools running in parallel report their own events; a lock keeps each event's id
 * and its place in the log together. With no log (a run that does not stream), events are dropped.
 */
final class RunEvents {
  private final StreamLog log;
  private final String agentId;
  private final String agentName;
  private final String runId;
  private final String sessionId;
  private final ReentrantLock lock = new ReentrantLock();

  RunEvents(StreamLog log, String agentId, String agentName, String runId, String sessionId) {
    this.log = log;
    this.agentId = agentId;
    this.agentName = agentName;
    this.runId = runId;
    this.sessionId = sessionId;
  }

  /** Emits {@code name} with the fields {@code fill} adds; returns false if the log refused it. */
  boolean emit(String name, Consumer<ObjectNode> fill) {
    if (log == null) {
      return true;
    }
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("created_at", System.currentTimeMillis() / 1000);
    event.put("event", name);
    event.put("agent_id", agentId);
    event.put("agent_name", agentName);
    event.put("run_id", runId);
    event.put("session_id", sessionId);
    fill.accept(event);
    dropNulls(event);
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsBytes(event);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    lock.lock();
    try {
      return log.append(SseFrame.named(log.nextId(), name, json));
    } finally {
      lock.unlock();
    }
  }

  void complete() {
    if (log != null) {
      log.complete();
    }
  }

  private static void dropNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.properties().removeIf(field -> field.getValue().isNull());
      object.forEach(RunEvents::dropNulls);
    }
  }
}
