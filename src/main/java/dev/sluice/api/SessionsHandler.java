package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.InvalidRequestException;
import dev.sluice.error.NotFoundException;
import dev.sluice.openai.Json;
import dev.sluice.store.RunRecord;
import dev.sluice.store.RunStatus;
import dev.sluice.store.Session;
import dev.sluice.store.SessionPage;
import dev.sluice.store.SessionQuery;
import dev.sluice.store.SessionStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;

/**
 * Agno AgentOS's session routes: {@code GET /sessions} (filters {@code component_id} or {@code
 * agent_id}, {@code user_id}; {@code limit}, {@code page}), {@code GET /sessions/{id}} (with its
 * runs and messages), {@code GET /sessions/{id}/runs} and {@code DELETE /sessions/{id}}.
 */
final class SessionsHandler {
  private final SessionStore store;

  SessionsHandler(SessionStore store) {
    this.store = store;
  }

  void list(Context ctx) throws IOException {
    String agent = ctx.queryParam("component_id");
    if (agent == null) {
      agent = ctx.queryParam("agent_id");
    }
    int limit = intParam(ctx, "limit", 20, 1, 100);
    int page = intParam(ctx, "page", 1, 1, 1_000_000);
    SessionPage result =
        store.sessions(new SessionQuery(agent, ctx.queryParam("user_id"), limit, page));
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode data = body.putArray("data");
    result.sessions().forEach(s -> data.add(AgentJson.session(s)));
    body.putObject("meta")
        .put("page", page)
        .put("limit", limit)
        .put("total_count", result.total())
        .put("total_pages", (result.total() + limit - 1) / limit);
    AgentsHandler.json(ctx, 200, body);
  }

  void get(Context ctx) throws IOException {
    Session session = session(ctx);
    ObjectNode body = AgentJson.session(session);
    ArrayNode runs = body.putArray("runs");
    for (RunRecord run : store.runs(session.id())) {
      ObjectNode node = AgentJson.run(run, store);
      node.set("messages", AgentJson.messages(run.id(), store));
      runs.add(node);
    }
    AgentsHandler.json(ctx, 200, body);
  }

  /**
   * The session's ended runs. Agent UI calls this while a run streams and replaces its chat with
   * the answer, so a session with no ended run yet is a 404 (as in Agno), never an empty list.
   */
  void runs(Context ctx) throws IOException {
    Session session = session(ctx);
    List<RunRecord> ended =
        store.runs(session.id()).stream().filter(r -> r.status() != RunStatus.RUNNING).toList();
    if (ended.isEmpty()) {
      throw notFound(session.id());
    }
    ArrayNode runs = Json.MAPPER.createArrayNode();
    ended.forEach(run -> runs.add(AgentJson.run(run, store)));
    AgentsHandler.json(ctx, 200, runs);
  }

  void delete(Context ctx) {
    String id = ctx.pathParam("session_id");
    if (!store.deleteSession(id)) {
      throw notFound(id);
    }
    ctx.status(204);
  }

  private Session session(Context ctx) {
    String id = ctx.pathParam("session_id");
    return store.session(id).orElseThrow(() -> notFound(id));
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException(
        "session_id", "session_not_found", "There is no session '" + id + "' with stored runs.");
  }

  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(
          name,
          "Invalid '"
              + name
              + "': '"
              + value
              + "'. Expected an integer from "
              + min
              + " to "
              + max
              + ".");
    }
  }
}
