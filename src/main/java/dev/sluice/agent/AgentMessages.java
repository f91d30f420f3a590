package dev.sluice.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.AssembledToolCall;
import dev.sluice.openai.Json;
import dev.sluice.store.StoredMessage;
import dev.sluice.tool.Tool;
import java.io.IOException;
import java.util.List;

/** Conversions between stored messages and OpenAI's message JSON. */
final class AgentMessages {
  private AgentMessages() {}

  /** A stored message as OpenAI chat message JSON, for replaying history. */
  static ObjectNode toOpenAi(StoredMessage stored) {
    ObjectNode message = Json.MAPPER.createObjectNode();
    message.put("role", stored.role());
    message.put("content", stored.content());
    if (stored.toolCallsJson() != null) {
      try {
        message.set("tool_calls", Json.MAPPER.readTree(stored.toolCallsJson()));
      } catch (IOException e) {
        throw new IllegalStateException("stored tool calls are not JSON", e);
      }
      if (stored.content().isEmpty()) {
        message.putNull("content");
      }
    }
    if (stored.toolCallId() != null) {
      message.put("tool_call_id", stored.toolCallId());
    }
    return message;
  }

  /** OpenAI's {@code tool_calls} array of an assistant message. */
  static ArrayNode toolCalls(List<AssembledToolCall> calls) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    for (AssembledToolCall call : calls) {
      ObjectNode c = array.addObject();
      c.put("id", call.id());
      c.put("type", "function");
      c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
    }
    return array;
  }

  /** OpenAI's {@code tools[]} entry for a tool. */
  static ObjectNode toolSpec(Tool tool) {
    ObjectNode spec = Json.MAPPER.createObjectNode();
    spec.put("type", "function");
    ObjectNode function = spec.putObject("function");
    function.put("name", tool.name());
    function.put("description", tool.description());
    function.set("parameters", tool.parameters());
    return spec;
  }
}
