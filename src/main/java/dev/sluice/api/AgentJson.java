package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.agent.RunMetrics;
import dev.sluice.config.AgentConfig;
import dev.sluice.openai.Json;
import dev.sluice.store.RunRecord;
import dev.sluice.store.Session;
import dev.sluice.store.SessionStore;
import dev.sluice.store.StoredMessage;
import dev.sluice.store.ToolCallRecord;
import java.io.IOException;

/** The JSON shapes of Agno AgentOS for agents, runs and sessions. */
final class AgentJson {
  /** Agent UI only uses the session routes for an agent with a non-empty db id. */
  static final String DB_ID = "sluice";

  private AgentJson() {}

  static ObjectNode agent(AgentConfig agent) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("id", agent.id());
    node.put("agent_id", agent.id());
    node.put("name", agent.name());
    node.put("description", agent.description());
    node.putObject("model")
        .put("name", agent.model())
        .put("model", agent.model())
        .put("provider", "sluice");
    node.put("instructions", agent.instructions());
    ArrayNode tools = node.putArray("tools");
    agent.tools().forEach(tools::add);
    node.put("db_id", DB_ID);
    return node;
  }

  static ObjectNode session(Session session) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("session_id", session.id());
    node.put("session_name", session.name());
    node.put("agent_id", session.agentId());
    node.put("user_id", session.userId());
    node.put("created_at", session.createdAt());
    node.put("updated_at", session.updatedAt());
    return node;
  }

  /** A run with its tool calls, as AgentOS returns runs (and as Agent UI replays them). */
  static ObjectNode run(RunRecord run, SessionStore store) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("run_id", run.id());
    node.put("agent_id", run.agentId());
    node.put("session_id", run.sessionId());
    node.put("user_id", run.userId());
    node.put("run_input", run.input());
    node.put("content", run.content());
    node.put("content_type", "str");
    node.put("status", run.status().wireName());
    node.put("model", run.model());
    if (run.error() != null) {
      node.put("error", run.error());
    }
    node.put("created_at", run.createdAt());
    node.set("metrics", RunMetrics.of(run));
    ArrayNode tools = node.putArray("tools");
    for (ToolCallRecord call : store.toolCalls(run.id())) {
      ObjectNode tool = tools.addObject();
      tool.put("tool_call_id", call.id());
      tool.put("tool_name", call.toolName());
      tool.set("tool_args", parseOrText(call.argumentsJson()));
      tool.put("result", call.result());
      tool.put("tool_call_error", call.error() != null);
      if (call.error() != null) {
        tool.put("error", call.error());
      }
      tool.putObject("metrics").put("duration", call.durationMs() / 1000.0);
    }
    return node;
  }

  static ArrayNode messages(String runId, SessionStore store) {
    ArrayNode messages = Json.MAPPER.createArrayNode();
    for (StoredMessage m : store.messages(runId)) {
      ObjectNode message = messages.addObject();
      message.put("role", m.role());
      message.put("content", m.content());
      if (m.toolCallsJson() != null) {
        message.set("tool_calls", parseOrText(m.toolCallsJson()));
      }
      if (m.toolCallId() != null) {
        message.put("tool_call_id", m.toolCallId());
      }
      message.put("created_at", m.createdAt());
    }
    return messages;
  }

  private static JsonNode parseOrText(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      return Json.MAPPER.getNodeFactory().textNode(json);
    }
  }
}
