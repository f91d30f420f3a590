package dev.sluice.tool;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import java.util.Collection;

/** Tools as OpenAI's chat completions request offers them to a model. Stateless. */
public final class OpenAiTools {
  private OpenAiTools() {}

  /**
   * One entry of a request's {@code tools} array: {@code {"type":"function","function":{"name",
   * "description","parameters"}}}. A new node each time, which the caller may change.
   */
  public static ObjectNode definition(Tool tool) {
    ObjectNode entry = Json.MAPPER.createObjectNode();
    entry.put("type", "function");
    ObjectNode function = entry.putObject("function");
    function.put("name", tool.name());
    function.put("description", tool.description());
    function.set("parameters", tool.parameters().deepCopy());
    return entry;
  }

  /** The {@code tools} array for these tools, in order. */
  public static ArrayNode definitions(Collection<? extends Tool> tools) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    tools.forEach(tool -> array.add(definition(tool)));
    return array;
  }
}
