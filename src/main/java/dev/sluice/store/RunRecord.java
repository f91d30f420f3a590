package dev.sluice.store;

/**
 * One run of an agent: the user's message in, the answer out, with its outcome and figures.
 *
 * @param content the full answer so far (final once the run has ended), may be empty
 * @param error the error message of a failed run, or the reason of a cancelled one; null otherwise
 * @param timeToFirstTokenMs null until the first token
 * @param createdAt epoch seconds
 */
public record RunRecord(
    String id,
    String sessionId,
    String agentId,
    String userId,
    String input,
    String content,
    RunStatus status,
    String model,
    int inputTokens,
    int outputTokens,
    Long timeToFirstTokenMs,
    long durationMs,
    String error,
    long createdAt) {}
