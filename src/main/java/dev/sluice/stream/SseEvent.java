package dev.sluice.stream;

/**
 * One parsed Server-Sent Event.
 *
 * @param id the last {@code id:} field seen, or null
 * @param event the {@code event:} field, or null for the default "message"
 * @param data the {@code data:} lines joined with {@code \n}
 */
public record SseEvent(String id, String event, String data) {}
