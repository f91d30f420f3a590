package dev.sluice.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.StreamEvent.Usage;
import java.util.List;

/** Builds the {@code chat.completion} object of a non-streaming response. */
public final class CompletionBody {
  private CompletionBody() {}

  /**
   * @param content the assistant's text, or null when it only called tools
   * @param usage the usage, or null when unknown
   */
  public static byte[] of(
      String id,
      long created,
      String model,
      String content,
      List<AssembledToolCall> toolCalls,
      String finishReason,
      Usage usage) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("id", id);
    root.put("object", "chat.completion");
    root.put("created", created);
    root.put("model", model);
    ArrayNode choices = root.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content);
    message.putNull("refusal");
    if (!toolCalls.isEmpty()) {
      ArrayNode calls = message.putArray("tool_calls");
      for (AssembledToolCall call : toolCalls) {
        ObjectNode c = calls.addObject();
        c.put("id", call.id());
        c.put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
      }
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    if (usage != null) {
      root.putObject("usage")
          .put("prompt_tokens", usage.promptTokens())
          .put("completion_tokens", usage.completionTokens())
          .put("total_tokens", usage.totalTokens());
    } else {
      root.putNull("usage");
    }
    root.putNull("system_fingerprint");
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
