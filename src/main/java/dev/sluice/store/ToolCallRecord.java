package dev.sluice.store;

/**
 * One tool call made during a run.
 *
 * @param argumentsJson the arguments as the model sent them (JSON text, possibly malformed)
 * @param result the tool's result, or null if it failed
 * @param error why it failed, or null
 */
public record ToolCallRecord(
    String id,
    String runId,
    String toolName,
    String argumentsJson,
    String result,
    String error,
    long durationMs,
    long createdAt) {}
