package dev.sluice.openai;

import com.fasterxml.jackson.databind.JsonNode;

/** A function tool offered in a request's {@code tools}: its name, description and schema. */
public record ToolSpec(String name, String description, JsonNode parameters) {}
