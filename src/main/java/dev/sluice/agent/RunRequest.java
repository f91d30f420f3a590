package dev.sluice.agent;

/**
 * What a client asks of an agent run.
 *
 * @param sessionId the session to continue; a new one is made when null or blank
 * @param userId may be null
 */
public record RunRequest(String message, String sessionId, String userId, boolean stream) {}
