package dev.sluice.openai;

/**
 * One message of a chat request as Sluice itself needs it: its role and its text (the text parts of
 * an array content joined). The original JSON is kept in {@link ChatRequest#body()} and is what
 * upstreams receive.
 */
public record ChatMessage(String role, String text) {}
