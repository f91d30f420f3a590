package dev.sluice.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Chat Completions stream bodies in the documented chunk format (see PROTOCOLS.md): every
 * chunk carries the same {@code id} and {@code created}, {@code object: "chat.completion.chunk"},
 * {@code system_fingerprint}, {@code service_tier}, {@code usage: null} (the request asked for
 * usage) and one choice with {@code index}, {@code delta}, {@code logprobs} and {@code
 * finish_reason}; the usage chunk has {@code choices: []}; the stream ends with {@code data:
 * [DONE]}.
 */
public final class OpenAiFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String ID = "chatcmpl-AZx3kQeTzV0g5f1cN7pLr2sWbY8Hd";
  static final long CREATED = 1_732_435_200L;
  static final String MODEL = "gpt-4o-2024-08-06";

  /** Fixture (a): the content deltas after the role chunk. */
  static final List<String> TEXT_PARTS =
      List.of("Hello", "!", " The", " sluice", " gate", " is", " open", " now", ".");

  static final String TEXT = String.join("", TEXT_PARTS);
  static final int TEXT_PROMPT_TOKENS = 21;
  static final int TEXT_COMPLETION_TOKENS = 9;

  /** Fixture (b): two parallel calls, each with arguments in fragments. */
  public static final String CALL_0_ID = "call_Wq2lQ7g4hZ9mYk1RfD3bNvXe";

  public static final String CALL_0_NAME = "get_weather";
  public static final List<String> CALL_0_ARGS =
      List.of("{\"", "location", "\": \"", "Paris", ", France", "\", \"unit\": ", "\"celsius\"}");
  public static final String CALL_1_ID = "call_8uPzJc0sTn5vLx2aGk7oMiHr";
  public static final String CALL_1_NAME = "get_local_time";
  public static final List<String> CALL_1_ARGS =
      List.of("{\"time", "zone\": \"Europe/", "Paris\", \"format\": \"24h\"", "}");
  static final int TOOLS_PROMPT_TOKENS = 88;
  static final int TOOLS_COMPLETION_TOKENS = 51;

  /**
   * Fixture (c): emoji (astral, 4 UTF-8 bytes; one with a skin-tone modifier, one flag), CJK (3
   * bytes) and accented Latin (2 bytes), several of them at delta boundaries.
   */
  static final List<String> UNICODE_PARTS =
      List.of("Grüße", " aus 東京", " 👋🏽", "! 日本語の", "テキスト", " 🚀✨", " déjà vu 🇯🇵", "。");

  static final String UNICODE_TEXT = String.join("", UNICODE_PARTS);

  private OpenAiFixtures() {}

  /** Fixture (a) with {@code \n} line endings. */
  static String textReply() {
    return textReply("\n");
  }

  /** Fixture (a): role chunk, content chunks, finish {@code stop}, usage chunk, [DONE]. */
  static String textReply(String eol) {
    return reply(TEXT_PARTS, TEXT_PROMPT_TOKENS, TEXT_COMPLETION_TOKENS, eol);
  }

  /** Fixture (c), same shape as (a). */
  static String unicodeReply(String eol) {
    return reply(UNICODE_PARTS, 14, 23, eol);
  }

  /** Fixture (b): two parallel tool calls ending with {@code finish_reason: "tool_calls"}. */
  static String toolCalls() {
    List<String> events = new ArrayList<>();
    ObjectNode first = toolFragment(0, CALL_0_ID, CALL_0_NAME, "");
    ObjectNode roleDelta = JSON.createObjectNode().put("role", "assistant").putNull("content");
    roleDelta.set("tool_calls", JSON.createArrayNode().add(first));
    roleDelta.putNull("refusal");
    events.add(chunk(roleDelta, null));
    for (String piece : CALL_0_ARGS) {
      events.add(chunk(toolDelta(toolFragment(0, null, null, piece)), null));
    }
    events.add(chunk(toolDelta(toolFragment(1, CALL_1_ID, CALL_1_NAME, "")), null));
    for (String piece : CALL_1_ARGS) {
      events.add(chunk(toolDelta(toolFragment(1, null, null, piece)), null));
    }
    events.add(chunk(JSON.createObjectNode(), "tool_calls"));
    events.add(usageChunk(TOOLS_PROMPT_TOKENS, TOOLS_COMPLETION_TOKENS));
    events.add("[DONE]");
    return sse(events, "\n");
  }

  /** Fixture (a) cut after {@code contentChunks} content deltas: no finish, no usage, no [DONE]. */
  static String truncatedTextReply(int contentChunks) {
    List<String> events = new ArrayList<>();
    events.add(chunk(JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
    for (String part : TEXT_PARTS.subList(0, contentChunks)) {
      events.add(chunk(JSON.createObjectNode().put("content", part), null));
    }
    return sse(events, "\n");
  }

  /** Two content deltas, then the error frame OpenAI sends after the 200. */
  static String errorMidStream(String type, String message) {
    List<String> events = new ArrayList<>();
    events.add(chunk(JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
    events.add(chunk(JSON.createObjectNode().put("content", TEXT_PARTS.get(0)), null));
    events.add(errorBody(type, null, message));
    return sse(events, "\n");
  }

  /** OpenAI's error JSON: {@code {"error": {"message", "type", "param", "code"}}}. */
  static String errorBody(String type, String code, String message) {
    ObjectNode error = JSON.createObjectNode();
    error.put("message", message).put("type", type).putNull("param");
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return write(JSON.createObjectNode().set("error", error));
  }

  /** Frames each payload as {@code data: <payload>} and a blank line, with the given EOL. */
  public static String sse(List<String> payloads, String eol) {
    StringBuilder body = new StringBuilder();
    for (String payload : payloads) {
      body.append("data: ").append(payload).append(eol).append(eol);
    }
    return body.toString();
  }

  private static String reply(List<String> parts, int prompt, int completion, String eol) {
    List<String> events = new ArrayList<>();
    events.add(chunk(JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
    for (String part : parts) {
      events.add(chunk(JSON.createObjectNode().put("content", part), null));
    }
    events.add(chunk(JSON.createObjectNode(), "stop"));
    events.add(usageChunk(prompt, completion));
    events.add("[DONE]");
    return sse(events, eol);
  }

  /** A delta carrying one tool-call fragment. */
  public static ObjectNode toolDelta(ObjectNode fragment) {
    ObjectNode delta = JSON.createObjectNode();
    delta.set("tool_calls", JSON.createArrayNode().add(fragment));
    return delta;
  }

  /** A tool-call fragment; with an id it opens the call and names the function. */
  public static ObjectNode toolFragment(int index, String id, String name, String arguments) {
    ObjectNode call = JSON.createObjectNode().put("index", index);
    ObjectNode function = JSON.createObjectNode();
    if (id != null) {
      call.put("id", id).put("type", "function");
      function.put("name", name);
    }
    function.put("arguments", arguments);
    call.set("function", function);
    return call;
  }

  private static ObjectNode envelope() {
    return JSON.createObjectNode()
        .put("id", ID)
        .put("object", "chat.completion.chunk")
        .put("created", CREATED)
        .put("model", MODEL)
        .put("service_tier", "default")
        .put("system_fingerprint", "fp_7f6be3efb0");
  }

  /** A {@code chat.completion.chunk} payload in the fixtures' envelope, one choice. */
  public static String chunk(ObjectNode delta, String finishReason) {
    ObjectNode choice = JSON.createObjectNode().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    ObjectNode chunk = envelope();
    chunk.set("choices", JSON.createArrayNode().add(choice));
    chunk.putNull("usage");
    return write(chunk);
  }

  /** The final usage payload: {@code choices: []} and full OpenAI usage details. */
  public static String usageChunk(int prompt, int completion) {
    ObjectNode usage =
        JSON.createObjectNode()
            .put("prompt_tokens", prompt)
            .put("completion_tokens", completion)
            .put("total_tokens", prompt + completion);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
    usage
        .putObject("completion_tokens_details")
        .put("reasoning_tokens", 0)
        .put("audio_tokens", 0)
        .put("accepted_prediction_tokens", 0)
        .put("rejected_prediction_tokens", 0);
    ObjectNode chunk = envelope();
    ArrayNode noChoices = JSON.createArrayNode();
    chunk.set("choices", noChoices);
    chunk.set("usage", usage);
    return write(chunk);
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
