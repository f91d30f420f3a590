package dev.sluice.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a tool call's arguments against what the tool takes. Every message goes back to the model,
 * so each one says what was expected and gives an example it can copy. Stateless.
 */
final class Args {
  private Args() {}

  /**
   * The arguments as an object. A call with no arguments at all (null, JSON null, or missing) is
   * taken as {@code {}}, since models send that for tools whose arguments are all optional.
   *
   * @param known the argument names the tool takes; any other name is refused, as the schema's
   *     {@code additionalProperties: false} says
   */
  static ObjectNode object(JsonNode arguments, String tool, List<String> known)
      throws ToolException {
    if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
      return Json.MAPPER.createObjectNode();
    }
    if (!(arguments instanceof ObjectNode object)) {
      throw new ToolException(
          "The arguments of "
              + tool
              + " must be a JSON object such as "
              + exampleCall(known)
              + ", not "
              + typeName(arguments)
              + ".");
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!known.contains(field.getKey())) {
        throw new ToolException(
            "Unknown argument \""
                + field.getKey()
                + "\"; "
                + tool
                + " takes only "
                + quotedList(known)
                + ".");
      }
    }
    return object;
  }

  /** A string argument that must be present (JSON null counts as absent). */
  static String requiredString(ObjectNode args, String name, String example) throws ToolException {
    return optionalString(args, name, example)
        .orElseThrow(
            () ->
                new ToolException(
                    "Missing argument \""
                        + name
                        + "\": a string such as "
                        + quote(example)
                        + ", e.g. {\""
                        + name
                        + "\": "
                        + quote(example)
                        + "}."));
  }

  /** A string argument that may be absent; JSON null counts as absent. */
  static Optional<String> optionalString(ObjectNode args, String name, String example)
      throws ToolException {
    JsonNode value = args.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new ToolException(
          "Argument \""
              + name
              + "\" must be a string such as "
              + quote(example)
              + ", not "
              + typeName(value)
              + ".");
    }
    return Optional.of(value.textValue());
  }

  /** Parses a schema written as JSON text; a mistake in it is a programming error. */
  static ObjectNode schema(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Bad built-in tool schema", e);
    }
  }

  private static String exampleCall(List<String> known) {
    return known.isEmpty() ? "{}" : "{\"" + known.get(0) + "\": ...}";
  }

  private static String quotedList(List<String> names) {
    return names.isEmpty()
        ? "no arguments"
        : String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList());
  }

  private static String typeName(JsonNode value) {
    String type = value.getNodeType().name().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "array", "object" -> "an " + type;
      default -> "a " + type;
    };
  }

  private static String quote(String text) {
    return Json.MAPPER.getNodeFactory().textNode(text).toString();
  }
}
