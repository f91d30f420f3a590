package dev.sluice.api;

import dev.sluice.agent.AgentChatProvider;
import dev.sluice.agent.Agents;
import dev.sluice.config.AgentSetup;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.Resilience;
import dev.sluice.error.NotFoundException;
import dev.sluice.provider.FailoverOpener;
import dev.sluice.provider.ModelRoute;
import dev.sluice.provider.ModelRouter;
import dev.sluice.store.JdbcSessionStore;
import dev.sluice.store.SessionStore;
import dev.sluice.stream.Chunking;
import dev.sluice.stream.SseRelay;
import dev.sluice.stream.StreamPipeline;
import dev.sluice.stream.StreamStore;
import dev.sluice.tool.Tool;
import dev.sluice.tool.ToolRegistry;
import dev.sluice.tool.ToolSettings;
import io.javalin.config.RoutesConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent side of the server: the session store, the built-in tools, the agents, their AgentOS
 * routes, and the {@code agent:<id>} models of {@code /v1/chat/completions}. With no agents
 * configured there is no store (no database file is created): {@code /agents} and {@code /teams}
 * answer empty lists and the session routes 404.
 */
final class AgentLayer implements AutoCloseable {
  private final Agents agents;
  private final SessionStore store;
  private final ToolRegistry tools;
  private final AgentChatProvider chatProvider;

  private AgentLayer(Agents agents, SessionStore store, ToolRegistry tools) {
    this.agents = agents;
    this.store = store;
    this.tools = tools;
    this.chatProvider = agents == null ? null : new AgentChatProvider(agents);
  }

  static AgentLayer start(
      AgentSetup setup, ModelRouter router, FailoverOpener opener, StreamPipeline pipeline) {
    if (setup.agents().isEmpty()) {
      return new AgentLayer(null, null, null);
    }
    SessionStore store =
        JdbcSessionStore.open(
            setup.storage().url(), setup.storage().user(), setup.storage().password());
    ToolRegistry tools =
        new ToolRegistry(
            new ToolSettings(
                setup.tools().httpAllowHosts(),
                setup.tools().httpMaxBytes(),
                setup.tools().httpTimeout()));
    Map<String, Tool> byName = new LinkedHashMap<>();
    tools.names().forEach(name -> byName.put(name, tools.get(name)));
    return new AgentLayer(
        new Agents(setup.agents(), router, opener, pipeline, store, byName), store, tools);
  }

  void routes(RoutesConfig routes, StreamStore streams, SseRelay relay) {
    if (agents == null) {
      routes.get("/agents", ctx -> ctx.contentType("application/json").result("[]"));
      routes.get("/teams", ctx -> ctx.contentType("application/json").result("[]"));
      return;
    }
    AgentsHandler handler = new AgentsHandler(agents, streams, relay);
    SessionsHandler sessions = new SessionsHandler(store);
    routes.get("/agents", handler::list);
    routes.get("/agents/{agent_id}", handler::get);
    routes.get("/teams", handler::teams);
    routes.post("/agents/{agent_id}/runs", handler::run);
    routes.post("/agents/{agent_id}/runs/{run_id}/cancel", handler::cancel);
    routes.get(
        "/agents/{agent_id}/runs/{run_id}/stream",
        new ResumeHandler(streams, relay, "run_id")::handle);
    routes.get("/sessions", sessions::list);
    routes.get("/sessions/{session_id}", sessions::get);
    routes.get("/sessions/{session_id}/runs", sessions::runs);
    routes.delete("/sessions/{session_id}", sessions::delete);
  }

  /** A route for every agent, as {@code agent:<id>}. */
  List<ModelRoute> routes() {
    return agents == null
        ? List.of()
        : agents.list().stream().map(a -> route(AgentChatProvider.PREFIX + a.id())).toList();
  }

  /** Resolves {@code agent:<id>} to a route that runs the agent; null for any other model. */
  ModelRoute route(String model) {
    if (!model.startsWith(AgentChatProvider.PREFIX)) {
      return null;
    }
    String id = model.substring(AgentChatProvider.PREFIX.length());
    if (agents == null || agents.list().stream().noneMatch(a -> a.id().equals(id))) {
      throw NotFoundException.model(model);
    }
    // An agent run is not retried as a whole: its own model calls retry. Tool rounds can take a
    // while before the first text, so the time limits are generous.
    ModelConfig config =
        new ModelConfig(
                model,
                "agent",
                null,
                null,
                null,
                "Agent " + id,
                ModelConfig.DEFAULT_CONNECT_TIMEOUT,
                Chunking.DEFAULT)
            .withResilience(
                Resilience.DEFAULTS
                    .withRetry(Resilience.RetryPolicy.NONE)
                    .withTimeouts(Duration.ofMinutes(10), Duration.ofMinutes(10)));
    return new ModelRoute(model, config, chatProvider);
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
      tools.close();
    }
  }
}
