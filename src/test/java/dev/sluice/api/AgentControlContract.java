package dev.sluice.api;

import static dev.sluice.api.AgentHttp.fields;
import static dev.sluice.api.AgentHttp.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.AgentHttp.Event;
import dev.sluice.api.AgentHttp.EventStream;
import dev.sluice.api.AgentHttp.Form;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runs stopped on request or by a client hanging up, busy sessions, bad input, failing tools. */
interface AgentControlContract extends AgentApiFixture {
  /** No tool is asked for: the mock answers 40 generated tokens, 20 ms apart. */
  String LONG_ANSWER = "Tell me a story about rivers";

  @Test
  default void cancelsARunOnRequest() {
    String sessionId = "cancel-" + UUID.randomUUID();
    try (EventStream stream =
        AgentHttp.open(
            http(),
            AgentHttp.run(
                server(),
                "helper",
                Form.JSON,
                fields("message", LONG_ANSWER, "session_id", sessionId)))) {
      String runId = stream.until("RunContent").text("run_id");

      HttpResponse<String> cancel = post("/agents/helper/runs/" + runId + "/cancel");
      assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
      assertThat(TestHttp.json(cancel.body()).path("run_id").asText()).isEqualTo(runId);

      List<Event> rest = stream.rest();
      assertThat(names(rest)).last().isEqualTo("RunCancelled");
      assertThat(names(rest).subList(0, rest.size() - 1)).allMatch("RunContent"::equals);
      AgentRunsContract.assertEnvelope(stream.seen);
    }
    JsonNode run = endedRun(sessionId);
    assertThat(run.path("status").asText()).isEqualTo("cancelled");
    assertThat(run.path("content").asText()).isNotEmpty();
    // The run has ended: there is nothing left to cancel.
    TestHttp.assertOpenAiError(
        post("/agents/helper/runs/" + run.path("run_id").asText() + "/cancel"),
        404,
        "invalid_request_error");
  }

  @Test
  default void cancelsARunWhoseClientHangsUp() {
    String sessionId = "hangup-" + UUID.randomUUID();
    try (EventStream stream =
        AgentHttp.open(
            http(),
            AgentHttp.run(
                server(),
                "helper",
                Form.JSON,
                fields("message", LONG_ANSWER, "session_id", sessionId)))) {
      stream.until("RunContent");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        TestHttp.get(http(), server(), "/sessions/" + sessionId + "/runs")
                            .statusCode())
                    .isEqualTo(200));
    JsonNode run = endedRun(sessionId);
    assertThat(run.path("status").asText()).isEqualTo("cancelled");
    // The session is free again.
    assertThat(
            AgentHttp.jsonRun(
                    http(), server(), fields("message", "calculate 1+2", "session_id", sessionId))
                .path("content")
                .asText())
        .isEqualTo("The tool returned: 3");
  }

  @Test
  default void aResumableRunGoesOnWithoutItsClientAndResumesAfterTheLastEventId() {
    String sessionId = "resume-" + UUID.randomUUID();
    Event first;
    try (EventStream stream =
        AgentHttp.open(
            http(),
            AgentHttp.run(
                server(),
                "helper",
                Form.JSON,
                fields("message", LONG_ANSWER, "session_id", sessionId, "resumable", "true")))) {
      first = stream.until("RunContent");
    }
    String runId = first.text("run_id");
    HttpResponse<String> resumed =
        TestHttp.send(
            http(),
            TestHttp.request(server(), "/agents/helper/runs/" + runId + "/stream")
                .header("Last-Event-ID", Long.toString(first.id()))
                .GET()
                .build());
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    List<Event> rest = AgentHttp.parse(resumed.body());
    assertThat(rest.getFirst().id()).isEqualTo(first.id() + 1);
    assertThat(names(rest)).last().isEqualTo("RunCompleted");
    StringBuilder text = new StringBuilder(first.text("content"));
    rest.stream()
        .filter(e -> e.name().equals("RunContent"))
        .forEach(e -> text.append(e.text("content")));
    // Nothing lost, nothing twice: the answer pieces join to the stored answer.
    assertThat(text.toString()).isEqualTo(rest.getLast().text("content"));
    assertThat(endedRun(sessionId).path("status").asText()).isEqualTo("completed");
  }

  @Test
  default void refusesASecondRunWhileTheSessionIsBusy() {
    String sessionId = "busy-" + UUID.randomUUID();
    try (EventStream first =
        AgentHttp.open(
            http(),
            AgentHttp.run(
                server(),
                "helper",
                Form.JSON,
                fields("message", LONG_ANSWER, "session_id", sessionId)))) {
      first.until("RunContent");

      HttpResponse<String> second =
          TestHttp.send(
              http(),
              AgentHttp.run(
                  server(),
                  "helper",
                  Form.MULTIPART,
                  fields("message", "calculate 1+1", "session_id", sessionId)));
      JsonNode error = TestHttp.assertOpenAiError(second, 409, "invalid_request_error");
      assertThat(error.path("code").asText()).isEqualTo("session_busy");
      assertThat(error.path("param").asText()).isEqualTo("session_id");

      assertThat(names(first.rest())).last().isEqualTo("RunCompleted");
      AgentRunsContract.assertEnvelope(first.seen);
    }
    JsonNode runs =
        TestHttp.json(TestHttp.get(http(), server(), "/sessions/" + sessionId + "/runs").body());
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("status").asText()).isEqualTo("completed");
  }

  @Test
  default void rejectsBadRunRequests() {
    JsonNode unknown =
        TestHttp.assertOpenAiError(
            TestHttp.send(
                http(), AgentHttp.run(server(), "nope", Form.JSON, fields("message", "hi"))),
            404,
            "invalid_request_error");
    assertThat(unknown.path("code").asText()).isEqualTo("agent_not_found");

    for (Form form : Form.values()) {
      JsonNode missing =
          TestHttp.assertOpenAiError(
              TestHttp.send(
                  http(), AgentHttp.run(server(), "helper", form, fields("user_id", "u"))),
              400,
              "invalid_request_error");
      assertThat(missing.path("param").asText()).as("%s", form).isEqualTo("message");
    }

    JsonNode stream =
        TestHttp.assertOpenAiError(
            TestHttp.send(
                http(),
                AgentHttp.run(
                    server(),
                    "helper",
                    Form.URLENCODED,
                    fields("message", "calculate 1+1", "stream", "maybe"))),
            400,
            "invalid_request_error");
    assertThat(stream.path("param").asText()).isEqualTo("stream");

    TestHttp.assertOpenAiError(
        post("/agents/helper/runs/" + UUID.randomUUID() + "/cancel"), 404, "invalid_request_error");
  }

  @Test
  default void reportsAFailingToolAndStillCompletes() {
    String sessionId = "tool-error-" + UUID.randomUUID();
    AgentHttp.jsonRun(
        http(), server(), fields("message", "calculate 2+3*4", "session_id", sessionId));

    List<Event> events =
        AgentHttp.streamRun(
            http(),
            server(),
            Form.MULTIPART,
            fields("message", "calculate 2+", "session_id", sessionId));

    AgentRunsContract.assertEnvelope(events);
    assertThat(names(events))
        .startsWith("RunStarted", "ToolCallStarted", "ToolCallError")
        .endsWith("RunCompleted")
        .doesNotContain("ToolCallCompleted", "RunError");
    Event failed = events.get(2);
    String message = failed.text("error");
    assertThat(message).isNotBlank();
    assertThat(failed.tool().path("tool_name").asText()).isEqualTo("calculator");
    assertThat(failed.tool().path("tool_args").path("expression").asText()).isEqualTo("2+");
    assertThat(failed.tool().path("tool_call_error").asBoolean()).isTrue();
    assertThat(failed.tool().path("error").asText())
        .as("the error inside the tool")
        .isEqualTo(message);
    assertThat(failed.tool().has("result")).isFalse();
    // The model is told what went wrong and answers from it.
    assertThat(events.getLast().text("content"))
        .isEqualTo(AgentRunsContract.joinedContent(events))
        .contains(message);

    JsonNode runs =
        TestHttp.json(TestHttp.get(http(), server(), "/sessions/" + sessionId + "/runs").body());
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).path("content").asText()).isEqualTo(AgentRunsContract.ANSWER);
    JsonNode run = runs.get(1);
    assertThat(run.path("status").asText()).isEqualTo("completed");
    assertThat(run.path("tools").get(0).path("tool_call_error").asBoolean()).isTrue();
    assertThat(run.path("tools").get(0).path("error").asText()).isEqualTo(message);
  }

  private HttpResponse<String> post(String path) {
    return TestHttp.send(
        http(),
        TestHttp.request(server(), path)
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
            .build());
  }

  /** The session's one ended run. */
  private JsonNode endedRun(String sessionId) {
    HttpResponse<String> response =
        TestHttp.get(http(), server(), "/sessions/" + sessionId + "/runs");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode runs = TestHttp.json(response.body());
    assertThat(runs).hasSize(1);
    return runs.get(0);
  }
}
