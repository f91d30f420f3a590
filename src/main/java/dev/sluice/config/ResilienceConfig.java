package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and checks a model's {@code fallbacks}, {@code retry}, {@code first_token_timeout_ms} and
 * {@code idle_timeout_ms} for {@link ConfigLoader}, with the same errors naming file and field.
 */
final class ResilienceConfig {
  private static final Set<String> RETRY_KEYS =
      Set.of("max_attempts", "initial_backoff_ms", "max_backoff_ms", "budget_ms");
  private static final long MAX_TIMEOUT_MS = 3_600_000;

  private ResilienceConfig() {}

  static Resilience read(ConfigLoader.Fields fields, ObjectNode model, String path) {
    Resilience defaults = Resilience.DEFAULTS;
    long firstTokenMs =
        fields.integer(
            model,
            path,
            "first_token_timeout_ms",
            defaults.firstTokenTimeout().toMillis(),
            1,
            MAX_TIMEOUT_MS);
    long idleMs =
        fields.integer(
            model, path, "idle_timeout_ms", defaults.idleTimeout().toMillis(), 1, MAX_TIMEOUT_MS);
    return new Resilience(
        names(fields, model.get("fallbacks"), path + ".fallbacks"),
        retry(fields, model.get("retry"), path + ".retry"),
        Duration.ofMillis(firstTokenMs),
        Duration.ofMillis(idleMs));
  }

  private static Resilience.RetryPolicy retry(
      ConfigLoader.Fields fields, JsonNode node, String path) {
    Resilience.RetryPolicy defaults = Resilience.RetryPolicy.DEFAULTS;
    if (node == null || node.isNull()) {
      return defaults;
    }
    ObjectNode retry = fields.object(node, path);
    fields.onlyKeys(retry, path, RETRY_KEYS);
    long attempts = fields.integer(retry, path, "max_attempts", defaults.maxAttempts(), 1, 100);
    long initial =
        fields.integer(
            retry, path, "initial_backoff_ms", defaults.initialBackoff().toMillis(), 0, 600_000);
    long max =
        fields.integer(retry, path, "max_backoff_ms", defaults.maxBackoff().toMillis(), 0, 600_000);
    if (max < initial) {
      throw fields.error(
          path + ".max_backoff_ms",
          max
              + " is less than initial_backoff_ms ("
              + initial
              + "); the cap must be at least that");
    }
    long budget =
        fields.integer(retry, path, "budget_ms", defaults.budget().toMillis(), 0, MAX_TIMEOUT_MS);
    return new Resilience.RetryPolicy(
        (int) attempts,
        Duration.ofMillis(initial),
        Duration.ofMillis(max),
        Duration.ofMillis(budget));
  }

  /** A list of model names; empty when the key is absent. */
  private static List<String> names(ConfigLoader.Fields fields, JsonNode value, String path) {
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw fields.error(path, "must be a list of model names, such as [other-model, mock]");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      String itemPath = path + "[" + i + "]";
      if (!item.isTextual() || item.asText().isBlank()) {
        throw fields.error(itemPath, "must be a model name");
      }
      names.add(Interpolation.apply(item.asText(), fields.env(), v -> fields.error(itemPath, v)));
    }
    return names;
  }

  /**
   * Every fallback must be another model clients could ask for: a configured name, or a name a
   * pattern entry serves. Checked once all models are read, so a fallback may be defined later in
   * the file.
   *
   * @param offset 1 when the implicit mock was put in front of the file's models, so that messages
   *     give the index in the file
   */
  static void checkFallbacks(ConfigLoader.Fields fields, List<ModelConfig> models, int offset) {
    for (int i = 0; i < models.size(); i++) {
      ModelConfig model = models.get(i);
      List<String> fallbacks = model.resilience().fallbacks();
      for (int j = 0; j < fallbacks.size(); j++) {
        String name = fallbacks.get(j);
        String path = "models[" + (i - offset) + "].fallbacks[" + j + "]";
        if (name.equals(model.name())) {
          throw fields.error(path, "'" + name + "' is this model itself; name another model");
        }
        if (fallbacks.subList(0, j).contains(name)) {
          throw fields.error(path, "'" + name + "' is listed twice");
        }
        if (name.indexOf('*') >= 0 || models.stream().noneMatch(m -> m.matches(name))) {
          List<String> others =
              models.stream().map(ModelConfig::name).filter(n -> !n.equals(model.name())).toList();
          throw fields.error(
              path,
              "'" + name + "' is not a configured model; use one of: " + String.join(", ", others));
        }
      }
    }
  }
}
