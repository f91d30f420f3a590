package dev.sluice.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.InvalidRequestException;
import dev.sluice.error.UpstreamException;
import dev.sluice.openai.ChatMessage;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import dev.sluice.provider.ChatProvider;
import dev.sluice.provider.UpstreamStream;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Serves agents to OpenAI clients: {@code "model": "agent:<id>"} on {@code /v1/chat/completions}
 * runs the agent (tools and all) and streams its text as content deltas. The last user message is
 * the run's input; the messages before it are its history, as OpenAI clients send the whole
 * conversation each time, unless {@code "sluice": {"session_id": "..."}} names a stored session to
 * continue. Every run is stored like any other. Closing the stream cancels the run.
 */
public final class AgentChatProvider implements ChatProvider {
  public static final String PREFIX = "agent:";

  private final Agents agents;

  public AgentChatProvider(Agents agents) {
    this.agents = agents;
  }

  @Override
  public UpstreamStream open(ChatRequest request, String upstreamModel) {
    String agentId = request.model().substring(PREFIX.length());
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.getLast();
    if (!last.role().equals("user")) {
      throw new InvalidRequestException(
          "messages",
          "The last message must be the user's: it is what the agent '" + agentId + "' answers.");
    }
    JsonNode session = request.extension("session_id");
    boolean continuesSession = session.isTextual() && !session.asText().isBlank();
    RunRequest run =
        new RunRequest(
            last.text(),
            continuesSession ? session.asText() : null,
            request.body().path("user").asText(null),
            true,
            continuesSession ? null : messages.subList(0, messages.size() - 1));
    ChatDeltas deltas = new ChatDeltas();
    Agents.StartedRun started = agents.start(agentId, run, deltas);
    deltas.cancel = () -> agents.cancel(agentId, started.record().id());
    return deltas;
  }

  /** Turns run events into chat stream events, through a queue the pipeline pulls. */
  private static final class ChatDeltas implements RunListener, UpstreamStream {
    private static final StreamEvent END = new StreamEvent.Finish("__end__");
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Runnable cancel = () -> {};
    private volatile boolean closed;

    @Override
    public boolean onEvent(String name, ObjectNode event) {
      switch (name) {
        case "RunContent" -> queue.add(new StreamEvent.Text(event.path("content").asText("")));
        case "RunCompleted" -> {
          JsonNode metrics = event.path("metrics");
          queue.add(new StreamEvent.Finish("stop"));
          queue.add(
              new StreamEvent.Usage(
                  metrics.path("input_tokens").asInt(), metrics.path("output_tokens").asInt()));
        }
        case "RunError" ->
            queue.add(
                new UpstreamException(
                    502, "agent_error", null, null, event.path("content").asText("agent failed")));
        default -> {
          // Tool calls and lifecycle events have no place in a chat completion.
        }
      }
      return !closed;
    }

    @Override
    public void onEnd() {
      queue.add(END);
    }

    @Override
    public StreamEvent next() throws InterruptedException {
      if (closed) {
        return null;
      }
      Object item = queue.take();
      if (item == END) {
        return null;
      }
      if (item instanceof UpstreamException e) {
        throw e;
      }
      return (StreamEvent) item;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        cancel.run();
        queue.add(END);
      }
    }
  }
}
