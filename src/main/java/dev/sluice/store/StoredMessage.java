package dev.sluice.store;

/**
 * A message of a run, in the order the model saw or produced it: the system prompt is not stored
 * (it comes from the agent's config), the user's message, assistant messages (with tool calls as
 * OpenAI JSON when it called tools) and tool results.
 *
 * @param seq the position within the run, from 0
 * @param toolCallsJson for an assistant message that called tools: the OpenAI {@code tool_calls}
 *     array as JSON; null otherwise
 * @param toolCallId for a tool message: the id of the call it answers; null otherwise
 */
public record StoredMessage(
    String runId,
    int seq,
    String role,
    String content,
    String toolCallsJson,
    String toolCallId,
    long createdAt) {}
