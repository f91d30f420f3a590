package dev.sluice.openai;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates a chat completions body the way OpenAI does: every problem is a 400 that
 * names the field ({@code param}), what was wrong with it and what is accepted.
 *
 * <p>Only fields Sluice acts on are checked strictly; everything else is kept in the body and left
 * for the upstream to judge. Stateless and thread-safe.
 */
public final class ChatRequestParser {
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool");
  private static final Set<String> TOOL_CHOICES = Set.of("none", "auto", "required");

  /** Parses {@code bytes}; throws {@link InvalidRequestException} on any problem. */
  public ChatRequest parse(byte[] bytes) {
    ObjectNode body = readObject(bytes);
    String model = requiredString(body, "model");
    List<ChatMessage> messages = messages(body.get("messages"));
    boolean stream = optionalBoolean(body, "stream", false);
    boolean includeUsage = false;
    JsonNode streamOptions = body.get("stream_options");
    if (isPresent(streamOptions)) {
      if (!streamOptions.isObject()) {
        throw typeError("stream_options", "an object", streamOptions);
      }
      includeUsage =
          optionalBoolean((ObjectNode) streamOptions, "include_usage", false, "stream_options.");
    }
    checkNumber(body, "temperature", 0, 2);
    checkNumber(body, "top_p", 0, 1);
    checkNumber(body, "presence_penalty", -2, 2);
    checkNumber(body, "frequency_penalty", -2, 2);
    Integer maxTokens = positiveInt(body, "max_completion_tokens");
    Integer legacyMaxTokens = positiveInt(body, "max_tokens");
    if (maxTokens == null) {
      maxTokens = legacyMaxTokens;
    }
    JsonNode n = body.get("n");
    if (isPresent(n) && !(n.isIntegralNumber() && n.asLong() == 1)) {
      throw new InvalidRequestException(
          "n",
          "Invalid value for 'n': Sluice returns one choice per request; send n=1 or omit it.");
    }
    Long seed = null;
    JsonNode seedNode = body.get("seed");
    if (isPresent(seedNode)) {
      if (!seedNode.isIntegralNumber()) {
        throw typeError("seed", "an integer", seedNode);
      }
      seed = seedNode.asLong();
    }
    List<String> stop = stop(body.get("stop"));
    List<ToolSpec> tools = tools(body.get("tools"));
    checkToolChoice(body.get("tool_choice"));
    checkString(body, "user");
    JsonNode responseFormat = body.get("response_format");
    if (isPresent(responseFormat)
        && !(responseFormat.isObject() && responseFormat.path("type").isTextual())) {
      throw new InvalidRequestException(
          "response_format",
          "Invalid value for 'response_format': expected an object with a string 'type' such as"
              + " {\"type\": \"json_object\"}.");
    }
    JsonNode sluice = body.get("sluice");
    if (isPresent(sluice) && !sluice.isObject()) {
      throw typeError("sluice", "an object", sluice);
    }
    ObjectNode extension = isPresent(sluice) ? (ObjectNode) sluice : Json.MAPPER.createObjectNode();
    return new ChatRequest(
        model, messages, stream, includeUsage, maxTokens, stop, seed, tools, extension, body);
  }

  private static ObjectNode readObject(byte[] bytes) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new InvalidRequestException(
          null,
          "We could not parse the JSON body of your request"
              + where
              + ": "
              + e.getOriginalMessage()
              + ". Send a JSON object with Content-Type: application/json.");
    } catch (java.io.IOException e) {
      throw new InvalidRequestException(
          null, "We could not read the request body: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new InvalidRequestException(
          null, "The request body is empty. Send a JSON object with 'model' and 'messages'.");
    }
    if (!node.isObject()) {
      throw new InvalidRequestException(
          null, "The request body must be a JSON object, but it is " + describe(node) + ".");
    }
    return (ObjectNode) node;
  }

  private static List<ChatMessage> messages(JsonNode node) {
    if (!isPresent(node)) {
      throw new InvalidRequestException(
          "messages", "Missing required parameter: 'messages'. Send an array of chat messages.");
    }
    if (!node.isArray()) {
      throw typeError("messages", "an array", node);
    }
    if (node.isEmpty()) {
      throw new InvalidRequestException(
          "messages", "Invalid 'messages': empty array. Expected an array with minimum length 1.");
    }
    List<ChatMessage> messages = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      messages.add(message(node.get(i), "messages[" + i + "]"));
    }
    return messages;
  }

  private static ChatMessage message(JsonNode node, String path) {
    if (!node.isObject()) {
      throw typeError(path, "an object", node);
    }
    JsonNode roleNode = node.get("role");
    if (!isPresent(roleNode)) {
      throw new InvalidRequestException(
          path + ".role", "Missing required parameter: '" + path + ".role'.");
    }
    if (!roleNode.isTextual() || !ROLES.contains(roleNode.asText())) {
      throw new InvalidRequestException(
          path + ".role",
          "Invalid value for '"
              + path
              + ".role': "
              + roleNode
              + ". Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
    }
    String role = roleNode.asText();
    String text = content(node.get("content"), path + ".content", role, node.has("tool_calls"));
    if (role.equals("tool") && !node.path("tool_call_id").isTextual()) {
      throw new InvalidRequestException(
          path + ".tool_call_id",
          "Missing required parameter: '"
              + path
              + ".tool_call_id'. A tool message answers the"
              + " tool call with that id.");
    }
    return new ChatMessage(role, text);
  }

  private static String content(JsonNode node, String path, String role, boolean hasToolCalls) {
    if (!isPresent(node)) {
      if (role.equals("assistant")) {
        return "";
      }
      throw new InvalidRequestException(path, "Missing required parameter: '" + path + "'.");
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (!node.isArray()) {
      throw typeError(path, "a string or an array of content parts", node);
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < node.size(); i++) {
      JsonNode part = node.get(i);
      String partPath = path + "[" + i + "]";
      if (!part.isObject() || !part.path("type").isTextual()) {
        throw new InvalidRequestException(
            partPath,
            "Invalid content part '"
                + partPath
                + "': expected an object with a string 'type',"
                + " such as {\"type\": \"text\", \"text\": \"Hello\"}.");
      }
      if (part.get("type").asText().equals("text")) {
        if (!part.path("text").isTextual()) {
          throw typeError(partPath + ".text", "a string", part.path("text"));
        }
        text.append(part.get("text").asText());
      }
    }
    return text.toString();
  }

  private static List<String> stop(JsonNode node) {
    if (!isPresent(node)) {
      return List.of();
    }
    if (node.isTextual()) {
      return List.of(node.asText());
    }
    if (!node.isArray() || node.size() > 4) {
      throw new InvalidRequestException(
          "stop", "Invalid value for 'stop': expected a string or an array of up to 4 strings.");
    }
    List<String> stops = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isTextual()) {
        throw typeError("stop[" + i + "]", "a string", node.get(i));
      }
      stops.add(node.get(i).asText());
    }
    return stops;
  }

  private static List<ToolSpec> tools(JsonNode node) {
    if (!isPresent(node)) {
      return List.of();
    }
    if (!node.isArray()) {
      throw typeError("tools", "an array", node);
    }
    List<ToolSpec> tools = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode tool = node.get(i);
      String path = "tools[" + i + "]";
      if (!tool.isObject() || !"function".equals(tool.path("type").asText(null))) {
        throw new InvalidRequestException(
            path + ".type",
            "Invalid value for '"
                + path
                + ".type': expected 'function', as in {\"type\":"
                + " \"function\", \"function\": {\"name\": \"get_weather\"}}.");
      }
      JsonNode function = tool.path("function");
      if (!function.path("name").isTextual() || function.path("name").asText().isEmpty()) {
        throw new InvalidRequestException(
            path + ".function.name", "Missing required parameter: '" + path + ".function.name'.");
      }
      tools.add(
          new ToolSpec(
              function.get("name").asText(),
              function.path("description").asText(""),
              function.path("parameters")));
    }
    return tools;
  }

  private static void checkToolChoice(JsonNode node) {
    if (!isPresent(node)) {
      return;
    }
    if (node.isTextual() && TOOL_CHOICES.contains(node.asText())) {
      return;
    }
    if (node.isObject() && node.path("function").path("name").isTextual()) {
      return;
    }
    throw new InvalidRequestException(
        "tool_choice",
        "Invalid value for 'tool_choice': "
            + node
            + ". Expected 'none', 'auto', 'required' or"
            + " {\"type\": \"function\", \"function\": {\"name\": \"...\"}}.");
  }

  private static String requiredString(ObjectNode body, String field) {
    JsonNode node = body.get(field);
    if (!isPresent(node)) {
      throw new InvalidRequestException(field, "Missing required parameter: '" + field + "'.");
    }
    if (!node.isTextual()) {
      throw typeError(field, "a string", node);
    }
    return node.asText();
  }

  private static void checkString(ObjectNode body, String field) {
    JsonNode node = body.get(field);
    if (isPresent(node) && !node.isTextual()) {
      throw typeError(field, "a string", node);
    }
  }

  private static boolean optionalBoolean(ObjectNode body, String field, boolean fallback) {
    return optionalBoolean(body, field, fallback, "");
  }

  private static boolean optionalBoolean(
      ObjectNode body, String field, boolean fallback, String prefix) {
    JsonNode node = body.get(field);
    if (!isPresent(node)) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw typeError(prefix + field, "a boolean", node);
    }
    return node.asBoolean();
  }

  private static void checkNumber(ObjectNode body, String field, double min, double max) {
    JsonNode node = body.get(field);
    if (!isPresent(node)) {
      return;
    }
    if (!node.isNumber()) {
      throw typeError(field, "a number", node);
    }
    double value = node.asDouble();
    if (value < min || value > max) {
      throw new InvalidRequestException(
          field,
          "Invalid '"
              + field
              + "': "
              + node
              + " is out of range. Expected a value between "
              + format(min)
              + " and "
              + format(max)
              + ".");
    }
  }

  private static Integer positiveInt(ObjectNode body, String field) {
    JsonNode node = body.get(field);
    if (!isPresent(node)) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 1) {
      throw new InvalidRequestException(
          field, "Invalid '" + field + "': " + node + ". Expected a positive integer.");
    }
    return node.asInt();
  }

  private static boolean isPresent(JsonNode node) {
    return node != null && !node.isNull() && !node.isMissingNode();
  }

  private static InvalidRequestException typeError(String param, String expected, JsonNode got) {
    return new InvalidRequestException(
        param,
        "Invalid type for '"
            + param
            + "': expected "
            + expected
            + ", but got "
            + describe(got)
            + ".");
  }

  private static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case BOOLEAN -> "a boolean";
      case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal";
      case STRING -> "a string";
      case NULL -> "null";
      default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
