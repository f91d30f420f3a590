package dev.sluice.store;

/**
 * A conversation with one agent: the runs that share a history.
 *
 * @param name a short name shown in session lists (the first message, cut), may be null
 * @param createdAt epoch seconds
 * @param updatedAt epoch seconds of the last run's start or end
 */
public record Session(
    String id, String agentId, String userId, String name, long createdAt, long updatedAt) {}
