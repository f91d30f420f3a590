package dev.sluice.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.openai.Json;
import dev.sluice.provider.ModelRoute;
import dev.sluice.provider.ModelRouter;
import io.javalin.http.Context;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's list and model shapes, with a
 * {@code description} added. Pattern entries ({@code gpt-*}) cannot be enumerated: they are not
 * listed, but {@code /v1/models/{id}} answers for any name they match.
 */
final class ModelsHandler {
  private final ModelRouter router;
  private final long created = System.currentTimeMillis() / 1000;

  ModelsHandler(ModelRouter router) {
    this.router = router;
  }

  void list(Context ctx) throws Exception {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (ModelConfig model : router.models()) {
      if (!model.isPattern()) {
        data.add(model(model.name(), model));
      }
    }
    ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(root));
  }

  void get(Context ctx) throws Exception {
    ModelRoute route = router.route(ctx.pathParam("id"));
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
