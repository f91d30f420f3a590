package dev.sluice.api;

import static dev.sluice.api.AgentHttp.fields;
import static dev.sluice.api.AgentHttp.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.AgentHttp.Event;
import dev.sluice.api.AgentHttp.Form;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The AgentOS agent routes and streamed runs, and agents as models of chat completions. */
interface AgentRunsContract extends AgentApiFixture {
  String ANSWER = "The tool returned: 14";

  @Test
  default void listsTheAgentsAsAgentOsDoes() {
    HttpResponse<String> list = TestHttp.get(http(), server(), "/agents");
    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode agents = TestHttp.json(list.body());
    assertThat(agents.findValuesAsText("id")).containsExactly("helper", "other");
    assertHelper(agents.get(0));

    HttpResponse<String> one = TestHttp.get(http(), server(), "/agents/helper");
    assertThat(one.statusCode()).isEqualTo(200);
    assertHelper(TestHttp.json(one.body()));

    JsonNode error =
        TestHttp.assertOpenAiError(
            TestHttp.get(http(), server(), "/agents/nope"), 404, "invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("agent_not_found");
    assertThat(error.get("message").asText()).contains("nope");

    HttpResponse<String> teams = TestHttp.get(http(), server(), "/teams");
    assertThat(teams.statusCode()).isEqualTo(200);
    assertThat(TestHttp.json(teams.body()).isArray()).isTrue();
    assertThat(TestHttp.json(teams.body())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  default void streamsARunWithAToolCall(Form form) {
    List<Event> events =
        AgentHttp.streamRun(
            http(), server(), form, fields("message", "calculate 2+3*4", "stream", "true"));

    assertEnvelope(events);
    assertThat(names(events))
        .startsWith("RunStarted", "ToolCallStarted", "ToolCallCompleted", "RunContent")
        .endsWith("RunCompleted");
    assertThat(names(events).subList(3, events.size() - 1)).containsOnly("RunContent");

    Event started = events.get(0);
    assertThat(started.text("model")).isEqualTo("mock");
    assertThat(started.text("model_provider")).isEqualTo("mock");

    JsonNode call = events.get(1).tool();
    assertThat(call.path("tool_name").asText()).isEqualTo("calculator");
    assertThat(call.path("tool_args")).isEqualTo(TestHttp.json("{\"expression\":\"2+3*4\"}"));
    assertThat(call.path("tool_call_id").asText()).startsWith("call_");
    assertThat(call.path("tool_call_error").asBoolean(true)).isFalse();
    assertThat(call.has("result")).as("no result before it ran").isFalse();

    JsonNode done = events.get(2).tool();
    assertThat(done.path("tool_call_id").asText()).isEqualTo(call.path("tool_call_id").asText());
    assertThat(done.path("tool_name").asText()).isEqualTo("calculator");
    assertThat(done.path("result").asText()).isEqualTo("14");
    assertThat(done.path("tool_call_error").asBoolean(true)).isFalse();
    assertThat(done.path("metrics").path("duration").isNumber()).isTrue();
    assertThat(done.path("metrics").path("duration").asDouble()).isGreaterThanOrEqualTo(0);

    Event completed = events.getLast();
    assertThat(joinedContent(events)).isEqualTo(ANSWER);
    assertThat(completed.text("content")).isEqualTo(ANSWER);
    assertMetrics(completed.data().path("metrics"));
  }

  @Test
  default void runsTwoToolsAskedForInOneMessage() {
    List<Event> events =
        AgentHttp.streamRun(
            http(),
            server(),
            Form.MULTIPART,
            fields("message", "calculate 2*21 and tell me the time"));

    assertEnvelope(events);
    List<String> names = names(events);
    assertThat(names.getFirst()).isEqualTo("RunStarted");
    assertThat(names.getLast()).isEqualTo("RunCompleted");
    List<Event> toolEvents = events.subList(1, 5);
    assertThat(names(toolEvents))
        .containsExactlyInAnyOrder(
            "ToolCallStarted", "ToolCallStarted", "ToolCallCompleted", "ToolCallCompleted");
    assertThat(names.subList(5, names.size() - 1)).isNotEmpty().containsOnly("RunContent");

    List<String> results = new ArrayList<>();
    for (String tool : List.of("calculator", "datetime")) {
      int started = indexOf(toolEvents, "ToolCallStarted", tool);
      int completed = indexOf(toolEvents, "ToolCallCompleted", tool);
      assertThat(started).as("%s started", tool).isNotNegative().isLessThan(completed);
      results.add(toolEvents.get(completed).tool().path("result").asText());
    }
    assertThat(results.getFirst()).isEqualTo("42");
    assertThat(results.get(1)).isNotBlank();
    String answer = events.getLast().text("content");
    assertThat(answer).isEqualTo(joinedContent(events)).contains("42", results.get(1));
  }

  @Test
  default void answersARunWithoutStreamingAsJson() {
    JsonNode run = AgentHttp.jsonRun(http(), server(), fields("message", "calculate 2+3*4"));

    assertThat(run.path("agent_id").asText()).isEqualTo("helper");
    assertThat(run.path("run_id").asText()).isNotBlank();
    assertThat(run.path("session_id").asText()).isNotBlank();
    assertThat(run.path("run_input").asText()).isEqualTo("calculate 2+3*4");
    assertThat(run.path("content").asText()).isEqualTo(ANSWER);
    assertThat(run.path("status").asText()).isEqualTo("completed");
    assertThat(run.path("tools").size()).isEqualTo(1);
    JsonNode tool = run.path("tools").get(0);
    assertThat(tool.path("tool_name").asText()).isEqualTo("calculator");
    assertThat(tool.path("tool_args").path("expression").asText()).isEqualTo("2+3*4");
    assertThat(tool.path("result").asText()).isEqualTo("14");
    assertMetrics(run.path("metrics"));
  }

  @Test
  default void servesTheAgentAsAChatCompletionsModel() {
    String body =
        """
        {"model":"agent:helper","stream":true,
         "messages":[{"role":"user","content":"calculate 2+3*4"}]}""";
    HttpResponse<String> response = TestHttp.post(http(), server(), body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    List<String> data =
        response
            .body()
            .lines()
            .filter(l -> l.startsWith("data: "))
            .map(l -> l.substring(6))
            .toList();
    assertThat(data.getLast()).isEqualTo("[DONE]");
    StringBuilder content = new StringBuilder();
    List<String> finishes = new ArrayList<>();
    for (String chunk : data.subList(0, data.size() - 1)) {
      JsonNode json = TestHttp.json(chunk);
      assertThat(json.path("object").asText()).isEqualTo("chat.completion.chunk");
      for (JsonNode choice : json.path("choices")) {
        content.append(choice.path("delta").path("content").asText(""));
        if (!choice.path("finish_reason").isNull()
            && !choice.path("finish_reason").isMissingNode()) {
          finishes.add(choice.path("finish_reason").asText());
        }
      }
    }
    assertThat(content.toString()).isEqualTo(ANSWER);
    assertThat(finishes).containsExactly("stop");

    JsonNode error =
        TestHttp.assertOpenAiError(
            TestHttp.post(
                http(),
                server(),
                """
                {"model":"agent:nope","stream":true,
                 "messages":[{"role":"user","content":"hi"}]}"""),
            404,
            "invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("model_not_found");
    // OpenAI clients find the agent among the models.
    JsonNode models = TestHttp.json(TestHttp.get(http(), server(), "/v1/models").body());
    assertThat(models.path("data").findValuesAsText("id")).contains("mock", "agent:helper");
    assertThat(
            TestHttp.json(TestHttp.get(http(), server(), "/v1/models/agent:helper").body())
                .path("owned_by")
                .asText())
        .isEqualTo("agent");
  }

  /** Every event carries the run's envelope; ids count from 0 without gaps. */
  static void assertEnvelope(List<Event> events) {
    assertEnvelope(events, "helper", "Helper");
  }

  /** As {@link #assertEnvelope(List)}, for a run of another agent. */
  static void assertEnvelope(List<Event> events, String agentId, String agentName) {
    assertThat(events).isNotEmpty();
    String runId = events.getFirst().text("run_id");
    String sessionId = events.getFirst().text("session_id");
    assertThat(runId).isNotBlank();
    assertThat(sessionId).isNotBlank();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      assertThat(e.id()).as("id of %s", e).isEqualTo(i);
      assertThat(e.data().path("created_at").isIntegralNumber()).as("created_at of %s", e).isTrue();
      assertThat(e.text("event")).isEqualTo(e.name());
      assertThat(e.text("agent_id")).isEqualTo(agentId);
      assertThat(e.text("agent_name")).isEqualTo(agentName);
      assertThat(e.text("run_id")).isEqualTo(runId);
      assertThat(e.text("session_id")).isEqualTo(sessionId);
      if (e.name().equals("RunContent")) {
        assertThat(e.text("content")).as("RunContent %s", e.id()).isNotEmpty();
        assertThat(e.text("content_type")).isEqualTo("str");
      }
    }
  }

  static String joinedContent(List<Event> events) {
    return events.stream()
        .filter(e -> e.name().equals("RunContent"))
        .map(e -> e.text("content"))
        .collect(Collectors.joining());
  }

  static void assertMetrics(JsonNode metrics) {
    int input = metrics.path("input_tokens").asInt();
    int output = metrics.path("output_tokens").asInt();
    assertThat(input).isPositive();
    assertThat(output).isPositive();
    assertThat(metrics.path("total_tokens").asInt()).isEqualTo(input + output);
    assertThat(metrics.path("duration").isNumber()).isTrue();
    assertThat(metrics.path("duration").asDouble()).isGreaterThanOrEqualTo(0);
  }

  private static void assertHelper(JsonNode agent) {
    assertThat(agent.path("id").asText()).isEqualTo("helper");
    assertThat(agent.path("name").asText()).isEqualTo("Helper");
    assertThat(agent.path("model").isObject()).isTrue();
    assertThat(agent.path("model").path("model").asText()).isEqualTo("mock");
    assertThat(agent.path("db_id").asText()).isNotEmpty();
    assertThat(agent.path("tools")).hasSize(2);
  }

  private static int indexOf(List<Event> events, String name, String tool) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).name().equals(name)
          && events.get(i).tool().path("tool_name").asText().equals(tool)) {
        return i;
      }
    }
    return -1;
  }
}
