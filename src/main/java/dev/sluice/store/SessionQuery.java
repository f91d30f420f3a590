package dev.sluice.store;

/**
 * A filtered, paged listing of sessions, newest first.
 *
 * @param agentId only this agent's sessions, or null for all
 * @param userId only this user's sessions, or null for all
 * @param limit page size, 1..100
 * @param page 1-based page number
 */
public record SessionQuery(String agentId, String userId, int limit, int page) {}
