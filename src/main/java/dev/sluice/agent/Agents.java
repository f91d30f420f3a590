package dev.sluice.agent;

import dev.sluice.config.AgentConfig;
import dev.sluice.error.ConflictException;
import dev.sluice.error.InvalidRequestException;
import dev.sluice.error.NotFoundException;
import dev.sluice.provider.FailoverOpener;
import dev.sluice.provider.ModelRoute;
import dev.sluice.provider.ModelRouter;
import dev.sluice.store.RunRecord;
import dev.sluice.store.RunStatus;
import dev.sluice.store.SessionBusyException;
import dev.sluice.store.SessionStore;
import dev.sluice.stream.StreamPipeline;
import dev.sluice.tool.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configured agents and their runs: starts a run on its own virtual thread, keeps it
 * cancellable while it runs, and forgets it when it ends. Thread-safe.
 */
public final class Agents {
  private final Map<String, AgentConfig> agents = new LinkedHashMap<>();
  private final AgentRuntime runtime;
  private final ConcurrentHashMap<String, AgentRun> active = new ConcurrentHashMap<>();

  public Agents(
      List<AgentConfig> configs,
      ModelRouter router,
      FailoverOpener opener,
      StreamPipeline pipeline,
      SessionStore store,
      Map<String, Tool> tools) {
    configs.forEach(agent -> agents.put(agent.id(), agent));
    this.runtime = new AgentRuntime(router, opener, pipeline, store, Map.copyOf(tools));
  }

  public List<AgentConfig> list() {
    return List.copyOf(agents.values());
  }

  /** The agent, or a 404 naming it. */
  public AgentConfig get(String agentId) {
    AgentConfig agent = agents.get(agentId);
    if (agent == null) {
      throw new NotFoundException(
          "agent_id",
          "agent_not_found",
          "There is no agent '" + agentId + "'. GET /agents lists the configured agents.");
    }
    return agent;
  }

  public SessionStore store() {
    return runtime.store();
  }

  /** A run that has been recorded and is executing; {@link #result()} completes when it ends. */
  public record StartedRun(RunRecord record, CompletableFuture<RunRecord> result) {}

  /**
   * Records a new run and starts it. Errors that need no model call (unknown agent, empty message,
   * a session with a run in progress) are thrown here, before anything is streamed.
   *
   * @param listener where the run's events go
   */
  public StartedRun start(String agentId, RunRequest request, RunListener listener) {
    return start(agentId, request, UUID.randomUUID().toString(), listener);
  }

  /** As {@link #start(String, RunRequest, RunListener)}, with the run id chosen by the caller. */
  public StartedRun start(String agentId, RunRequest request, String runId, RunListener listener) {
    AgentConfig agent = get(agentId);
    if (request.message() == null || request.message().isBlank()) {
      throw new InvalidRequestException(
          "message",
          "Missing required parameter: 'message'. Send the user's message as a form field or JSON.");
    }
    ModelRoute route = runtime.router().route(agent.model());
    String sessionId =
        request.sessionId() == null || request.sessionId().isBlank()
            ? UUID.randomUUID().toString()
            : request.sessionId();
    RunRecord started =
        new RunRecord(
            runId,
            sessionId,
            agent.id(),
            request.userId(),
            request.message(),
            "",
            RunStatus.RUNNING,
            agent.model(),
            0,
            0,
            null,
            0,
            null,
            System.currentTimeMillis() / 1000);
    try {
      runtime.store().startRun(started);
    } catch (SessionBusyException e) {
      throw new ConflictException("session_id", "session_busy", e.getMessage());
    }
    Map<String, Tool> tools = new LinkedHashMap<>();
    agent.tools().forEach(name -> tools.put(name, runtime.tools().get(name)));
    AgentRun run =
        new AgentRun(
            agent,
            route,
            runtime,
            tools,
            new RunEvents(listener, agent.id(), agent.name(), runId, sessionId),
            started,
            request.history());
    active.put(runId, run);
    CompletableFuture<RunRecord> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("sluice-agent-run")
        .start(
            () -> {
              try {
                result.complete(run.execute());
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              } finally {
                active.remove(runId);
              }
            });
    return new StartedRun(started, result);
  }

  /** Cancels a running run of {@code agentId}; false if no such run is running. */
  public boolean cancel(String agentId, String runId) {
    AgentRun run = active.get(runId);
    if (run == null || !run.started().agentId().equals(agentId)) {
      return false;
    }
    run.cancel();
    return true;
  }

  /** The run, if it is running now. */
  public Optional<RunRecord> running(String runId) {
    return Optional.ofNullable(active.get(runId)).map(AgentRun::started);
  }
}
