package dev.sluice.agent;

import dev.sluice.openai.ChatMessage;
import java.util.List;

/**
 * What a client asks of an agent run.
 *
 * @param sessionId the session to continue; a new one is made when null or blank
 * @param userId may be null
 * @param history the conversation so far as the client sent it (OpenAI clients send the whole
 *     history each time), used instead of the session's stored history; null to use the stored one
 */
public record RunRequest(
    String message, String sessionId, String userId, boolean stream, List<ChatMessage> history) {

  /** A request that continues the session's stored history. */
  public RunRequest(String message, String sessionId, String userId, boolean stream) {
    this(message, sessionId, userId, stream, null);
  }
}
