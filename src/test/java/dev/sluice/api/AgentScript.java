package dev.sluice.api;

import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import dev.sluice.provider.ChatProvider;
import dev.sluice.provider.UpstreamStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A model for agent tests that answers each call with the events a function of its request gives
 * (text, tool-call fragments, finish), at once, and records every request it was sent, so that a
 * test can check what the agent offered and replayed.
 */
final class AgentScript implements ChatProvider {
  private final Function<ChatRequest, List<StreamEvent>> answer;
  private final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());

  AgentScript(Function<ChatRequest, List<StreamEvent>> answer) {
    this.answer = answer;
  }

  /** A text answer: the text, then finish {@code stop}. */
  static List<StreamEvent> text(String text) {
    return List.of(new StreamEvent.Text(text), new StreamEvent.Finish("stop"));
  }

  /** Tool calls, each given as id, name and raw arguments, then finish {@code tool_calls}. */
  static List<StreamEvent> toolCalls(String... idNameArguments) {
    List<StreamEvent> events = new ArrayList<>();
    for (int i = 0; i < idNameArguments.length / 3; i++) {
      String arguments = idNameArguments[3 * i + 2];
      // The name first, then the arguments in two fragments, as upstreams stream them.
      int half = arguments.length() / 2;
      events.add(
          new StreamEvent.ToolCall(i, idNameArguments[3 * i], idNameArguments[3 * i + 1], ""));
      events.add(new StreamEvent.ToolCall(i, null, null, arguments.substring(0, half)));
      events.add(new StreamEvent.ToolCall(i, null, null, arguments.substring(half)));
    }
    events.add(new StreamEvent.Finish("tool_calls"));
    return events;
  }

  /** The requests sent so far, oldest first. */
  List<ChatRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public UpstreamStream open(ChatRequest request, String upstreamModel) {
    requests.add(request);
    Queue<StreamEvent> events = new ConcurrentLinkedQueue<>(answer.apply(request));
    return new UpstreamStream() {
      @Override
      public StreamEvent next() {
        return events.poll();
      }

      @Override
      public void close() {
        events.clear();
      }
    };
  }
}
