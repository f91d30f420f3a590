package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.agent.Agents;
import dev.sluice.agent.RunListener;
import dev.sluice.agent.RunRequest;
import dev.sluice.agent.SseRunListener;
import dev.sluice.config.AgentConfig;
import dev.sluice.error.ClientGoneException;
import dev.sluice.error.InvalidRequestException;
import dev.sluice.error.NotFoundException;
import dev.sluice.openai.Json;
import dev.sluice.stream.EventsExpiredException;
import dev.sluice.stream.SseRelay;
import dev.sluice.stream.SseWriter;
import dev.sluice.stream.StreamLog;
import dev.sluice.stream.StreamStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.UUID;

/**
 * Agno AgentOS's agent routes: {@code GET /agents}, {@code GET /agents/{id}}, {@code GET /teams}
 * (none), {@code POST /agents/{id}/runs} (form fields, multipart or urlencoded, or JSON: {@code
 * message}, {@code stream} (default true), {@code session_id}, {@code user_id}, {@code resumable})
 * and {@code POST /agents/{id}/runs/{run_id}/cancel}. A streamed run's events are relayed from its
 * log like any stream; when the client goes away the run is cancelled, unless it is resumable: then
 * it goes on and {@code GET /agents/{id}/runs/{run_id}/stream} resumes it after Last-Event-ID.
 */
final class AgentsHandler {
  private final Agents agents;
  private final StreamStore streams;
  private final SseRelay relay;

  AgentsHandler(Agents agents, StreamStore streams, SseRelay relay) {
    this.agents = agents;
    this.streams = streams;
    this.relay = relay;
  }

  void list(Context ctx) throws IOException {
    ArrayNode list = Json.MAPPER.createArrayNode();
    agents.list().forEach(agent -> list.add(AgentJson.agent(agent)));
    json(ctx, 200, list);
  }

  void get(Context ctx) throws IOException {
    json(ctx, 200, AgentJson.agent(agents.get(ctx.pathParam("agent_id"))));
  }

  void teams(Context ctx) throws IOException {
    json(ctx, 200, Json.MAPPER.createArrayNode());
  }

  void run(Context ctx) throws Exception {
    AgentConfig agent = agents.get(ctx.pathParam("agent_id"));
    RunForm form = readRequest(ctx);
    RunRequest request = form.request();
    if (!request.stream()) {
      Agents.StartedRun run = agents.start(agent.id(), request, RunListener.NONE);
      json(ctx, 200, AgentJson.run(run.result().join(), agents.store()));
      return;
    }
    // The run's events are kept under its run id, so that a resumable run can be resumed.
    String runId = UUID.randomUUID().toString();
    StreamLog events = streams.create(runId, form.resumable());
    Agents.StartedRun run;
    try {
      run = agents.start(agent.id(), request, runId, new SseRunListener(events));
    } catch (RuntimeException e) {
      events.complete(); // refused before it began: nothing to keep
      throw e;
    }
    SseResponses.begin(ctx.res());
    try (SseWriter writer = new SseWriter(ctx.res().getOutputStream())) {
      relay.relay(events, -1, writer);
    } catch (ClientGoneException | EventsExpiredException e) {
      if (!form.resumable()) {
        agents.cancel(agent.id(), run.record().id());
      }
    } catch (InterruptedException e) {
      agents.cancel(agent.id(), run.record().id());
      throw e;
    }
  }

  void cancel(Context ctx) throws IOException {
    String agentId = agents.get(ctx.pathParam("agent_id")).id();
    String runId = ctx.pathParam("run_id");
    if (!agents.cancel(agentId, runId)) {
      throw new NotFoundException(
          "run_id",
          "run_not_found",
          "Agent '" + agentId + "' has no run '" + runId + "' in progress; it may have ended.");
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("run_id", runId).put("status", "cancelling");
    json(ctx, 200, body);
  }

  /** A run request and whether its events are kept for a resume. */
  private record RunForm(RunRequest request, boolean resumable) {}

  /** The run fields from a form (multipart or urlencoded) or a JSON body. */
  private static RunForm readRequest(Context ctx) throws IOException {
    String type = ctx.contentType() == null ? "" : ctx.contentType();
    if (type.startsWith("application/json")) {
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(ctx.bodyInputStream());
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new InvalidRequestException(
            null, "We could not parse the JSON body: " + e.getOriginalMessage());
      }
      if (body == null || !body.isObject()) {
        throw new InvalidRequestException(null, "The request body must be a JSON object.");
      }
      return new RunForm(
          new RunRequest(
              text(body, "message"),
              text(body, "session_id"),
              text(body, "user_id"),
              bool(
                  body.get("stream") == null ? null : body.get("stream").asText(), "stream", true)),
          bool(
              body.get("resumable") == null ? null : body.get("resumable").asText(),
              "resumable",
              false));
    }
    return new RunForm(
        new RunRequest(
            ctx.formParam("message"),
            ctx.formParam("session_id"),
            ctx.formParam("user_id"),
            bool(ctx.formParam("stream"), "stream", true)),
        bool(ctx.formParam("resumable"), "resumable", false));
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidRequestException(
          field, "Invalid type for '" + field + "': expected a string.");
    }
    return value.asText();
  }

  private static boolean bool(String value, String field, boolean fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw new InvalidRequestException(
              field, "Invalid value for '" + field + "': '" + value + "'. Expected true or false.");
    };
  }

  static void json(Context ctx, int status, JsonNode body) throws IOException {
    ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
  }
}
