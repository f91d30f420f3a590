package dev.sluice.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A validated {@code POST /v1/chat/completions} request.
 *
 * <p>The typed fields are what Sluice acts on; {@link #body()} is the request exactly as the client
 * sent it, unknown fields included, so that upstream providers can forward it. Treat it as
 * read-only: a provider that changes fields works on a {@code deepCopy()}.
 *
 * @param sluice the {@code "sluice"} extension object, or an empty object; never forwarded
 */
public record ChatRequest(
    String model,
    List<ChatMessage> messages,
    boolean stream,
    boolean includeUsage,
    Integer maxTokens,
    List<String> stop,
    Long seed,
    List<ToolSpec> tools,
    ObjectNode sluice,
    ObjectNode body) {

  public ChatRequest {
    messages = List.copyOf(messages);
    stop = List.copyOf(stop);
    tools = List.copyOf(tools);
  }

  /** The {@code sluice.<name>} extension object, or a missing node. */
  public JsonNode extension(String name) {
    return sluice.path(name);
  }
}
