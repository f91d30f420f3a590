package dev.sluice.config;

import java.util.List;

/**
 * One entry of {@code agents:}: an agent with instructions and tools, answering through a routed
 * model.
 *
 * @param model any model name the router serves
 * @param instructions the system prompt, may be empty
 * @param tools names of built-in tools ({@code datetime}, {@code calculator}, {@code http_get})
 * @param historyRuns how many past completed runs of the session are replayed into a new run
 * @param maxSteps how many model calls one run may make (each tool round is one more)
 */
public record AgentConfig(
    String id,
    String name,
    String description,
    String model,
    String instructions,
    List<String> tools,
    int historyRuns,
    int maxSteps) {
  public static final int DEFAULT_HISTORY_RUNS = 3;
  public static final int DEFAULT_MAX_STEPS = 6;

  public AgentConfig {
    tools = List.copyOf(tools);
  }
}
