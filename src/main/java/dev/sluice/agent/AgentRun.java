package dev.sluice.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.AgentConfig;
import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.openai.AssembledToolCall;
import dev.sluice.openai.ChatMessage;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.ChatRequestParser;
import dev.sluice.openai.Json;
import dev.sluice.provider.ModelRoute;
import dev.sluice.provider.UpstreamPump;
import dev.sluice.store.RunRecord;
import dev.sluice.store.RunStatus;
import dev.sluice.store.SessionStore;
import dev.sluice.store.StoredMessage;
import dev.sluice.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an agent: a loop of model calls and tool calls. Each model call goes through the
 * stream pipeline (coherent chunks, cancellation) into {@code RunContent} events; when the model
 * asks for tools, they run in parallel ({@link ToolRound}), their results are appended, and the
 * model is called again, up to the agent's step limit (the last call is offered no tools, so it
 * must answer). Everything is stored: the run, its messages and tool calls.
 *
 * <p>Runs on one thread; {@link #cancel()} may be called from any other, and stops the run
 * promptly: the model call in flight is cancelled and the run ends as {@code RunCancelled}.
 */
final class AgentRun {
  private static final Logger log = LoggerFactory.getLogger(AgentRun.class);

  private final AgentConfig agent;
  private final ModelRoute route;
  private final AgentRuntime runtime;
  private final Map<String, Tool> tools;
  private final RunEvents events;
  private final RunRecord started;
  private final List<ChatMessage> suppliedHistory;
  private final List<ObjectNode> conversation = new ArrayList<>();
  private final List<StoredMessage> newMessages = new ArrayList<>();
  private final StringBuilder content = new StringBuilder();
  private volatile UpstreamPump current;
  private final Object interruptLock = new Object();
  private Thread thread; // interruptible while its steps run; guarded by interruptLock
  private volatile boolean cancelled;
  private int inputTokens;
  private int outputTokens;
  private long firstTokenNanos;

  AgentRun(
      AgentConfig agent,
      ModelRoute route,
      AgentRuntime runtime,
      Map<String, Tool> tools,
      RunEvents events,
      RunRecord started,
      List<ChatMessage> suppliedHistory) {
    this.agent = agent;
    this.suppliedHistory = suppliedHistory;
    this.route = route;
    this.runtime = runtime;
    this.tools = tools;
    this.events = events;
    this.started = started;
  }

  RunRecord started() {
    return started;
  }

  /** Executes the run to its end and returns how it ended (also stored). */
  RunRecord execute() {
    long start = System.nanoTime();
    SessionStore store = runtime.store();
    events.emit(
        "RunStarted",
        e ->
            e.put("model", route.upstreamModel()).put("model_provider", route.config().provider()));
    seedConversation(store);
    RunStatus status = RunStatus.COMPLETED;
    String error = null;
    try {
      synchronized (interruptLock) {
        thread = Thread.currentThread();
      }
      runSteps();
    } catch (InterruptedException | ClientGoneException e) {
      status = RunStatus.CANCELLED;
      error = cancelled ? "cancelled by request" : "the client went away";
    } catch (SluiceException e) {
      status = cancelled ? RunStatus.CANCELLED : RunStatus.ERROR;
      error = cancelled ? "cancelled by request" : e.getMessage();
    } catch (RuntimeException e) {
      // A bug or a store failure mid-run: the run still ends, as an error, instead of staying
      // "running" (and its session busy) until a restart.
      log.error("run {}: failed unexpectedly", started.id(), e);
      status = RunStatus.ERROR;
      error = "The run failed unexpectedly; see the server log for run " + started.id() + ".";
    } finally {
      // From here on the run only records how it ended: a cancel must not interrupt those writes
      // (an interrupt closes a PostgreSQL connection's socket mid-statement), and one that came
      // too late to stop a step is dropped.
      synchronized (interruptLock) {
        thread = null;
      }
      Thread.interrupted();
    }
    long durationMs = (System.nanoTime() - start) / 1_000_000;
    Long ttftMs = firstTokenNanos == 0 ? null : (firstTokenNanos - start) / 1_000_000;
    RunRecord ended =
        new RunRecord(
            started.id(),
            started.sessionId(),
            started.agentId(),
            started.userId(),
            started.input(),
            content.toString(),
            status,
            started.model(),
            inputTokens,
            outputTokens,
            ttftMs,
            durationMs,
            error,
            started.createdAt());
    try {
      store.addMessages(newMessages);
      store.finishRun(ended);
      announceEnd(ended);
    } finally {
      events.complete(); // a client must not wait forever for a run that failed to be stored
    }
    return ended;
  }

  /** Stops the run: the model call in flight is cancelled, tools are interrupted. */
  void cancel() {
    cancelled = true;
    UpstreamPump pump = current;
    if (pump != null) {
      pump.close();
    }
    synchronized (interruptLock) {
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  private void seedConversation(SessionStore store) {
    if (!agent.instructions().isBlank()) {
      conversation.add(message("system", agent.instructions()));
    }
    if (suppliedHistory != null) {
      for (ChatMessage past : suppliedHistory) {
        conversation.add(message(past.role(), past.text()));
      }
    } else {
      for (StoredMessage past : store.history(started.sessionId(), agent.historyRuns())) {
        conversation.add(AgentMessages.toOpenAi(past));
      }
    }
    addMessage(message("user", started.input()), null, null);
  }

  private void runSteps() throws InterruptedException, ClientGoneException {
    for (int step = 0; step < agent.maxSteps(); step++) {
      if (cancelled) {
        throw new InterruptedException();
      }
      boolean lastStep = step == agent.maxSteps() - 1;
      AgentStepSink sink = callModel(!lastStep && !tools.isEmpty());
      List<AssembledToolCall> calls = sink.toolCalls();
      if (calls.isEmpty()) {
        addMessage(message("assistant", sink.text()), null, null);
        return;
      }
      ObjectNode assistant = message("assistant", sink.text().isEmpty() ? null : sink.text());
      ArrayNode toolCalls = AgentMessages.toolCalls(calls);
      assistant.set("tool_calls", toolCalls);
      addMessage(assistant, toolCalls.toString(), null);
      List<ToolRound.Result> results =
          new ToolRound(tools, events, runtime.store(), started.id()).run(calls);
      for (ToolRound.Result result : results) {
        ObjectNode toolMessage = message("tool", result.content());
        toolMessage.put("tool_call_id", result.call().id());
        addMessage(toolMessage, null, result.call().id());
      }
    }
  }

  private AgentStepSink callModel(boolean offerTools)
      throws InterruptedException, ClientGoneException {
    ChatRequest request = request(offerTools);
    long start = System.nanoTime();
    AgentStepSink sink = new AgentStepSink(events);
    // Retries and fallbacks before the first token, idle timeout after it: as for chat.
    try (UpstreamPump pump = runtime.opener().open(request, route).events()) {
      current = pump;
      if (cancelled) {
        throw new InterruptedException();
      }
      runtime.pipeline().run(request, started.id(), pump, sink, route.config().chunking(), start);
    } finally {
      current = null;
      // What was streamed belongs to the run, also when the call was cancelled or failed.
      if (firstTokenNanos == 0 && sink.firstTokenNanos() != 0) {
        firstTokenNanos = sink.firstTokenNanos();
      }
      if (sink.usage() != null) {
        inputTokens += sink.usage().promptTokens();
        outputTokens += sink.usage().completionTokens();
      }
      content.append(sink.text());
    }
    if (cancelled) {
      // Closing the pump ends the model call early, as if it had finished: it did not.
      throw new InterruptedException();
    }
    if (sink.failure() != null) {
      throw sink.failure();
    }
    return sink;
  }

  private ChatRequest request(boolean offerTools) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", route.requested());
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    ArrayNode messages = body.putArray("messages");
    conversation.forEach(messages::add);
    if (offerTools) {
      ArrayNode specs = body.putArray("tools");
      tools.values().forEach(tool -> specs.add(AgentMessages.toolSpec(tool)));
    }
    try {
      return new ChatRequestParser().parse(Json.MAPPER.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void addMessage(ObjectNode message, String toolCallsJson, String toolCallId) {
    conversation.add(message);
    newMessages.add(
        new StoredMessage(
            started.id(),
            newMessages.size(),
            message.get("role").asText(),
            message.path("content").asText(""),
            toolCallsJson,
            toolCallId,
            System.currentTimeMillis() / 1000));
  }

  private void announceEnd(RunRecord ended) {
    switch (ended.status()) {
      case COMPLETED ->
          events.emit(
              "RunCompleted",
              e -> {
                e.put("content", ended.content()).put("content_type", "str");
                e.set("metrics", RunMetrics.of(ended));
              });
      case CANCELLED -> events.emit("RunCancelled", e -> e.put("reason", ended.error()));
      default ->
          events.emit(
              "RunError",
              e -> e.put("content", ended.error()).put("error_type", "model_provider_error"));
    }
  }

  private static ObjectNode message(String role, String text) {
    ObjectNode message = Json.MAPPER.createObjectNode();
    message.put("role", role);
    message.put("content", text);
    return message;
  }
}
