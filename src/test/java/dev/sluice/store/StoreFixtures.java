package dev.sluice.store;

import java.util.List;

/** Records for store tests, with the figures a test does not care about filled in. */
final class StoreFixtures {
  private StoreFixtures() {}

  static RunRecord running(
      String runId, String sessionId, String agentId, String userId, String input, long at) {
    return new RunRecord(
        runId,
        sessionId,
        agentId,
        userId,
        input,
        "",
        RunStatus.RUNNING,
        "mock",
        0,
        0,
        null,
        0,
        null,
        at);
  }

  static RunRecord ended(RunRecord run, RunStatus status, String content, long durationMs) {
    return new RunRecord(
        run.id(),
        run.sessionId(),
        run.agentId(),
        run.userId(),
        run.input(),
        content,
        status,
        run.model(),
        12,
        34,
        status == RunStatus.COMPLETED ? 250L : null,
        durationMs,
        status == RunStatus.ERROR ? "upstream failed" : null,
        run.createdAt());
  }

  static StoredMessage message(String runId, int seq, String role, String content) {
    return new StoredMessage(runId, seq, role, content, null, null, 1_700_000_000L + seq);
  }

  /** The user's input and the assistant's answer: the two messages of a run without tools. */
  static List<StoredMessage> exchange(String runId, String input, String answer) {
    return List.of(message(runId, 0, "user", input), message(runId, 1, "assistant", answer));
  }

  static ToolCallRecord toolCall(String runId, String callId, String tool, String result) {
    return new ToolCallRecord(
        callId, runId, tool, "{\"q\":\"" + callId + "\"}", result, null, 5, 1_700_000_000L);
  }
}
