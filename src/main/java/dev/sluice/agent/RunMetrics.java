package dev.sluice.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import dev.sluice.store.RunRecord;

/** Agno's run metrics object: tokens, time to first token and duration, times in seconds. */
public final class RunMetrics {
  private RunMetrics() {}

  public static ObjectNode of(RunRecord run) {
    ObjectNode metrics = Json.MAPPER.createObjectNode();
    metrics.put("input_tokens", run.inputTokens());
    metrics.put("output_tokens", run.outputTokens());
    metrics.put("total_tokens", run.inputTokens() + run.outputTokens());
    if (run.timeToFirstTokenMs() != null) {
      metrics.put("time_to_first_token", run.timeToFirstTokenMs() / 1000.0);
    }
    metrics.put("duration", run.durationMs() / 1000.0);
    return metrics;
  }
}
