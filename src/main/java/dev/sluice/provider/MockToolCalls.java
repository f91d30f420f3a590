package dev.sluice.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.ChatMessage;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.Json;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock's tool use, so that an agent's whole tool loop runs offline: when tools are offered and
 * the user's last message asks for them, the mock calls them instead of answering. A message
 * mentioning the time or date calls {@code datetime}; "calculate 2+3*4" calls {@code calculator}
 * with that expression; both in one message give two parallel calls. The calls stream as real
 * providers stream them: id and name first, then the arguments in fragments.
 */
final class MockToolCalls {
  private static final Pattern CALCULATE =
      Pattern.compile(
          "(?i)\\bcalculate\\s+([-+*/%^().,\\d\\s\\p{Alpha}]+?)\\s*(?:[?!]|\\.(?!\\d)|$|\\band\\b)");
  private static final Pattern TIME = Pattern.compile("(?i)\\b(time|date|today|clock)\\b");

  private MockToolCalls() {}

  /** The tool-call events the mock answers {@code request} with, or none. */
  static List<StreamEvent> plan(ChatRequest request) {
    if (request.tools().isEmpty() || request.messages().isEmpty()) {
      return List.of();
    }
    ChatMessage last = request.messages().getLast();
    if (!last.role().equals("user")) {
      return List.of();
    }
    List<StreamEvent> events = new ArrayList<>();
    Matcher calculate = CALCULATE.matcher(last.text());
    if (offers(request, "calculator") && calculate.find()) {
      ObjectNode args =
          Json.MAPPER.createObjectNode().put("expression", calculate.group(1).strip());
      call(events, "calculator", args.toString(), last.text());
    }
    if (offers(request, "datetime") && TIME.matcher(last.text()).find()) {
      call(events, "datetime", "{}", last.text());
    }
    return events;
  }

  private static boolean offers(ChatRequest request, String name) {
    return request.tools().stream().map(ToolSpec::name).anyMatch(name::equals);
  }

  private static void call(List<StreamEvent> events, String name, String arguments, String seed) {
    int index = (int) events.stream().filter(e -> ((StreamEvent.ToolCall) e).id() != null).count();
    String id =
        "call_"
            + Integer.toHexString((seed + name).hashCode() & 0x7fffffff).toLowerCase(Locale.ROOT);
    events.add(new StreamEvent.ToolCall(index, id, name, ""));
    for (int at = 0; at < arguments.length(); at += 7) {
      events.add(
          new StreamEvent.ToolCall(
              index, null, null, arguments.substring(at, Math.min(arguments.length(), at + 7))));
    }
  }

  /** The mock's answer once tools have answered: what they returned, in order. */
  static String answerFromToolResults(ChatRequest request) {
    List<String> results = new ArrayList<>();
    List<ChatMessage> messages = request.messages();
    for (int i = messages.size() - 1; i >= 0 && messages.get(i).role().equals("tool"); i--) {
      results.addFirst(messages.get(i).text());
    }
    return results.size() == 1
        ? "The tool returned: " + results.getFirst()
        : "The tools returned: " + String.join("; ", results);
  }
}
