package dev.sluice.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import dev.sluice.stream.SseFrame;
import dev.sluice.stream.StreamLog;

/**
 * Writes run events into a stream log in Agno AgentOS's wire format: {@code id: <n>}, {@code event:
 * <Name>}, {@code data: <one-line JSON>}.
 */
public final class SseRunListener implements RunListener {
  private final StreamLog log;

  public SseRunListener(StreamLog log) {
    this.log = log;
  }

  @Override
  public boolean onEvent(String name, ObjectNode event) {
    try {
      return log.append(SseFrame.named(log.nextId(), name, Json.MAPPER.writeValueAsBytes(event)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void onEnd() {
    log.complete();
  }
}
