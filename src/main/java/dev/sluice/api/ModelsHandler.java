package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.openai.Json;
import dev.sluice.provider.ModelRoute;
import dev.sluice.provider.ModelRouter;
import dev.sluice.provider.UpstreamModelList;
import io.javalin.http.Context;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's list and model shapes, with a
 * {@code description} added. For a pattern entry ({@code gpt-*}) the matching models are read from
 * the upstream's own {@code /models} (cached; skipped if it does not answer), and {@code
 * /v1/models/{id}} answers for any name a pattern matches. Agents are listed as {@code agent:<id>}.
 */
final class ModelsHandler {
  private final ModelRouter router;
  private final AgentLayer agents;
  private final UpstreamModelList upstreamModels = new UpstreamModelList();
  private final long created = System.currentTimeMillis() / 1000;

  ModelsHandler(ModelRouter router, AgentLayer agents) {
    this.router = router;
    this.agents = agents;
  }

  void list(Context ctx) throws Exception {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    Set<String> listed = new HashSet<>();
    for (ModelConfig model : router.models()) {
      if (!model.isPattern() && listed.add(model.name())) {
        data.add(model(model.name(), model));
      }
    }
    for (ModelRoute agent : agents.routes()) {
      data.add(model(agent.requested(), agent.config()));
    }
    for (ModelConfig pattern : router.models()) {
      if (pattern.isPattern()) {
        for (String id : upstreamModels.idsFor(pattern)) {
          if (listed.add(id) && router.route(id).config() == pattern) {
            data.add(model(id, pattern));
          }
        }
      }
    }
    ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(root));
  }

  void get(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    ModelRoute agent = agents.route(id);
    ModelRoute route = agent != null ? agent : router.route(id);
    ctx.contentType("application/json")
        .result(Json.MAPPER.writeValueAsBytes(model(route.requested(), route.config())));
  }

  private ObjectNode model(String id, ModelConfig config) {
    ObjectNode model = Json.MAPPER.createObjectNode();
    model.put("id", id);
    model.put("object", "model");
    model.put("created", created);
    model.put("owned_by", config.provider().equals("mock") ? "sluice" : config.provider());
    if (config.description() != null) {
      model.put("description", config.description());
    }
    return model;
  }
}
