package dev.sluice.api;

import static dev.sluice.api.AgentHttp.fields;
import static dev.sluice.api.AgentHttp.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.AgentHttp.Event;
import dev.sluice.api.AgentHttp.Form;
import dev.sluice.config.AgentConfig;
import dev.sluice.config.AgentSetup;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.Resilience;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StorageConfig;
import dev.sluice.config.StreamsConfig;
import dev.sluice.config.ToolsConfig;
import dev.sluice.error.UpstreamException;
import dev.sluice.openai.ChatMessage;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.TokenCounter;
import dev.sluice.provider.ChatProvider;
import dev.sluice.provider.ModelRouter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool loop against scripted models, end to end over HTTP on SQLite: tool calls whose arguments
 * are not JSON or whose tool does not exist, a model that fails, the step limit and the history
 * limit.
 */
@Timeout(30)
class AgentToolLoopTest {
  private static final String BAD_ARGUMENTS = "{\"expression\":";

  /** Calls two broken tools while tools are offered; then says what they answered. */
  private static final AgentScript FIXER =
      new AgentScript(
          request -> {
            if (request.messages().getLast().role().equals("tool")) {
              return AgentScript.text("Noted: " + texts(request, "tool"));
            }
            return AgentScript.toolCalls(
                "call_bad", "calculator", BAD_ARGUMENTS, "call_unknown", "teleport", "{}");
          });

  /** Asks for the calculator whenever it is offered. */
  private static final AgentScript STEPPER =
      new AgentScript(
          request ->
              request.tools().isEmpty()
                  ? AgentScript.text("Out of steps")
                  : AgentScript.toolCalls(
                      "call_" + UUID.randomUUID(), "calculator", "{\"expression\":\"1+1\"}"));

  /** Answers every message by naming it. */
  private static final AgentScript ECHO =
      new AgentScript(
          request -> AgentScript.text("Reply to " + request.messages().getLast().text()));

  private static final String DOWN = "The model is down for maintenance";

  @TempDir static Path dir;
  private static SluiceServer server;

  @BeforeAll
  static void start() {
    Map<ModelConfig, ChatProvider> models = new LinkedHashMap<>();
    models.put(model("fixer-model"), FIXER);
    models.put(model("stepper-model"), STEPPER);
    models.put(model("echo-model"), ECHO);
    models.put(
        model("broken-model"),
        (request, upstreamModel) -> {
          throw new UpstreamException(500, "server_error", null, null, DOWN);
        });
    List<AgentConfig> agents =
        List.of(
            agent("fixer", "fixer-model", List.of("calculator"), 3, 6),
            agent("stepper", "stepper-model", List.of("calculator"), 3, 2),
            agent("forgetful", "echo-model", List.of(), 1, 6),
            agent("broken", "broken-model", List.of(), 3, 6));
    StorageConfig storage =
        new StorageConfig("jdbc:sqlite:" + dir.resolve("data/sluice.db"), null, null);
    server =
        SluiceServer.start(
            new SluiceConfig(
                new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
                StreamsConfig.defaults(),
                List.copyOf(models.keySet()),
                new AgentSetup(storage, ToolsConfig.defaults(), agents),
                "test"),
            new ModelRouter(models),
            new TokenCounter());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void toolCallsWithArgumentsThatAreNotJsonOrAnUnknownToolAreErrorsAndTheRunCompletes() {
    String sessionId = "bad-tools-" + UUID.randomUUID();
    List<Event> first = streamRun("fixer", "message", "add it up", "session_id", sessionId);
    List<Event> events = streamRun("fixer", "message", "once more", "session_id", sessionId);

    for (List<Event> run : List.of(first, events)) {
      AgentRunsContract.assertEnvelope(run, "fixer", "fixer");
      assertThat(names(run).subList(0, 5))
          .containsExactlyInAnyOrder(
              "RunStarted", "ToolCallStarted", "ToolCallStarted", "ToolCallError", "ToolCallError");
      assertThat(names(run))
          .doesNotContain("ToolCallCompleted", "RunError")
          .endsWith("RunCompleted");
    }
    Map<String, Event> errors =
        events.stream()
            .filter(e -> e.name().equals("ToolCallError"))
            .collect(Collectors.toMap(e -> e.tool().path("tool_call_id").asText(), e -> e));
    Event bad = errors.get("call_bad");
    assertThat(bad.tool().path("tool_name").asText()).isEqualTo("calculator");
    assertThat(bad.tool().path("tool_args").asText()).isEqualTo(BAD_ARGUMENTS);
    assertThat(bad.text("error")).contains("must be a JSON object", BAD_ARGUMENTS);
    Event unknown = errors.get("call_unknown");
    assertThat(unknown.text("error")).contains("There is no tool named 'teleport'", "calculator");
    for (Event error : errors.values()) {
      assertThat(error.tool().path("tool_call_error").asBoolean()).isTrue();
      assertThat(error.tool().path("error").asText()).isEqualTo(error.text("error"));
    }
    // The model was told both errors, and answered from them.
    String answer = events.getLast().text("content");
    assertThat(answer).contains(bad.text("error"), unknown.text("error"));
    assertThat(AgentRunsContract.joinedContent(events)).isEqualTo(answer);

    // Both runs are stored whole: status, messages and the failed calls with their errors.
    JsonNode runs = getJson("/sessions/" + sessionId + "/runs");
    assertThat(runs).hasSize(2);
    for (JsonNode run : runs) {
      assertThat(run.path("status").asText()).isEqualTo("completed");
      assertThat(run.path("tools")).hasSize(2);
      run.path("tools").forEach(t -> assertThat(t.path("error").asText()).isNotBlank());
    }
    assertThat(runs.get(1).path("content").asText()).isEqualTo(answer);
    JsonNode stored = getJson("/sessions/" + sessionId).path("runs");
    for (JsonNode run : stored) {
      assertThat(AgentSessionsContract.roles(run.path("messages")))
          .containsExactly("user", "assistant", "tool", "tool", "assistant");
    }
  }

  @Test
  void aModelThatFailsEndsTheRunWithRunErrorAndStoresItAsAnError() {
    List<Event> events = streamRun("broken", "message", "hello");

    AgentRunsContract.assertEnvelope(events, "broken", "broken");
    assertThat(names(events)).containsExactly("RunStarted", "RunError");
    Event error = events.getLast();
    assertThat(error.text("content")).contains(DOWN);
    assertThat(error.text("error_type")).isEqualTo("model_provider_error");

    JsonNode run = getJson("/sessions/" + error.text("session_id") + "/runs").get(0);
    assertThat(run.path("run_id").asText()).isEqualTo(error.text("run_id"));
    assertThat(run.path("status").asText()).isEqualTo("error");
    assertThat(run.path("error").asText()).contains(DOWN);
  }

  @Test
  void theLastStepOffersNoToolsSoTheModelMustAnswer() {
    int before = STEPPER.requests().size();
    List<Event> events = streamRun("stepper", "message", "count");

    List<ChatRequest> calls = STEPPER.requests().subList(before, STEPPER.requests().size());
    assertThat(calls).as("max_steps: 2 model calls").hasSize(2);
    assertThat(calls.get(0).tools()).extracting(t -> t.name()).containsExactly("calculator");
    assertThat(calls.get(1).tools()).as("the last step offers no tools").isEmpty();
    assertThat(names(events))
        .containsSubsequence("ToolCallStarted", "ToolCallCompleted", "RunCompleted")
        .filteredOn(name -> name.startsWith("ToolCall"))
        .hasSize(2);
    assertThat(events.getLast().text("content")).isEqualTo("Out of steps");
  }

  @Test
  void historyRunsReplaysOnlyThatManyPastRunsOfTheSession() {
    String sessionId = "history-" + UUID.randomUUID();
    for (String message : List.of("first", "second", "third")) {
      assertThat(streamRun("forgetful", "message", message, "session_id", sessionId).getLast())
          .extracting(e -> e.text("content"))
          .isEqualTo("Reply to " + message);
    }

    List<ChatRequest> calls = ECHO.requests();
    List<ChatMessage> third = calls.getLast().messages();
    assertThat(third)
        .as("history_runs: 1 replays the second run only")
        .containsExactly(
            new ChatMessage("user", "second"),
            new ChatMessage("assistant", "Reply to second"),
            new ChatMessage("user", "third"));
    assertThat(getJson("/sessions/" + sessionId + "/runs")).hasSize(3);
  }

  private static List<Event> streamRun(String agent, String... namesAndValues) {
    HttpResponse<String> response =
        TestHttp.send(
            TestHttp.client(), AgentHttp.run(server, agent, Form.JSON, fields(namesAndValues)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return AgentHttp.parse(response.body());
  }

  private static JsonNode getJson(String path) {
    HttpResponse<String> response = TestHttp.get(TestHttp.client(), server, path);
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return TestHttp.json(response.body());
  }

  private static String texts(ChatRequest request, String role) {
    return request.messages().stream()
        .filter(m -> m.role().equals(role))
        .map(ChatMessage::text)
        .collect(Collectors.joining(" | "));
  }

  private static ModelConfig model(String name) {
    ModelConfig model =
        new ModelConfig(
            name, "scripted", null, null, null, name, ModelConfig.DEFAULT_CONNECT_TIMEOUT);
    // One attempt: a failing model fails at once instead of after the default backoff.
    return model.withResilience(
        Resilience.DEFAULTS.withRetry(
            new Resilience.RetryPolicy(
                1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1))));
  }

  private static AgentConfig agent(
      String id, String model, List<String> tools, int historyRuns, int maxSteps) {
    return new AgentConfig(id, id, "A scripted agent", model, "", tools, historyRuns, maxSteps);
  }
}
