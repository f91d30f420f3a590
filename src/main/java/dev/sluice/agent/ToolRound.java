package dev.sluice.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.openai.AssembledToolCall;
import dev.sluice.openai.Json;
import dev.sluice.store.SessionStore;
import dev.sluice.store.ToolCallRecord;
import dev.sluice.tool.Tool;
import dev.sluice.tool.ToolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the tool calls of one model answer, all at once, each on its own virtual thread, and reports
 * each as {@code ToolCallStarted}, then {@code ToolCallCompleted} or {@code ToolCallError}. A
 * failing tool never fails the run: its error goes back to the model as the call's result, so the
 * model can correct itself. Interrupting the calling thread (a cancelled run) interrupts every
 * call.
 */
final class ToolRound {
  /** The outcome of one call: what goes back to the model. */
  record Result(AssembledToolCall call, String content, boolean failed) {}

  private final Map<String, Tool> tools;
  private final RunEvents events;
  private final SessionStore store;
  private final String runId;

  ToolRound(Map<String, Tool> tools, RunEvents events, SessionStore store, String runId) {
    this.tools = tools;
    this.events = events;
    this.store = store;
    this.runId = runId;
  }

  List<Result> run(List<AssembledToolCall> calls) throws InterruptedException {
    List<Future<Result>> futures = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (AssembledToolCall call : calls) {
        futures.add(executor.submit(() -> call(call)));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> future : futures) {
        try {
          results.add(future.get());
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a tool call escaped its error handling", e.getCause());
        }
      }
      return results;
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    }
  }

  private Result call(AssembledToolCall call) throws InterruptedException {
    long start = System.currentTimeMillis();
    JsonNode args = parse(call.arguments());
    events.emit("ToolCallStarted", e -> e.set("tool", tool(call, args, null, null, start, -1)));
    String result = null;
    String error = null;
    try {
      Tool tool = tools.get(call.name());
      if (tool == null) {
        throw new ToolException(
            "There is no tool named '" + call.name() + "'. Available: " + tools.keySet() + ".");
      }
      if (args == null || !args.isObject()) {
        throw new ToolException(
            "The arguments of "
                + call.name()
                + " must be a JSON object, but were: "
                + call.arguments());
      }
      result = tool.call(args);
    } catch (ToolException e) {
      error = e.getMessage();
    } catch (RuntimeException e) {
      error = "The tool failed: " + e;
    }
    long end = System.currentTimeMillis();
    String res = result;
    String err = error;
    events.emit(
        err == null ? "ToolCallCompleted" : "ToolCallError",
        e -> {
          e.set("tool", tool(call, args, res, err, start, end));
          if (err != null) {
            e.put("error", err);
          }
        });
    store.addToolCall(
        new ToolCallRecord(
            call.id(), runId, call.name(), call.arguments(), res, err, end - start, start / 1000));
    return err == null ? new Result(call, res, false) : new Result(call, "Error: " + err, true);
  }

  private static JsonNode parse(String arguments) {
    try {
      return Json.MAPPER.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /**
   * Agno's {@code tool} object: id, name, arguments, {@code tool_call_error}, the result or the
   * {@code error} (nulls are dropped from events), and timings once it ran.
   */
  private static JsonNode tool(
      AssembledToolCall call, JsonNode args, String result, String error, long start, long end) {
    var tool = Json.MAPPER.createObjectNode();
    tool.put("tool_call_id", call.id());
    tool.put("tool_name", call.name());
    if (args != null) {
      tool.set("tool_args", args);
    } else {
      tool.put("tool_args", call.arguments());
    }
    tool.put("tool_call_error", error != null);
    tool.put("result", result);
    // AgentOS's ToolExecution carries the failure in the tool itself; the event's top-level
    // "error" stays for clients that read it there.
    tool.put("error", error);
    if (end >= 0) {
      tool.putObject("metrics")
          .put("start_time", start / 1000.0)
          .put("end_time", end / 1000.0)
          .put("duration", (end - start) / 1000.0);
    }
    return tool;
  }
}
