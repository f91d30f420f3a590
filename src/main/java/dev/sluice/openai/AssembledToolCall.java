package dev.sluice.openai;

/** A complete tool call, joined from its streamed fragments. */
public record AssembledToolCall(int index, String id, String name, String arguments) {}
