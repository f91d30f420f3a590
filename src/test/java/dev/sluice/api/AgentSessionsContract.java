package dev.sluice.api;

import static dev.sluice.api.AgentHttp.fields;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.AgentHttp.Event;
import dev.sluice.api.AgentHttp.Form;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Sessions: stored runs, messages and tool calls, history replayed, deletion, restarts. */
interface AgentSessionsContract extends AgentApiFixture {

  @Test
  default void storesARunInItsSessionWithMessagesAndToolCalls() {
    String user = "user-" + UUID.randomUUID();
    List<Event> events =
        AgentHttp.streamRun(
            http(),
            server(),
            Form.URLENCODED,
            fields("message", "calculate 2+3*4", "user_id", user));
    String sessionId = events.getFirst().text("session_id");
    String runId = events.getFirst().text("run_id");

    JsonNode all = getJson("/sessions?component_id=helper&limit=100");
    assertThat(sessionIds(all.path("data"))).contains(sessionId);
    assertThat(all.path("meta").path("total_count").asInt())
        .isGreaterThanOrEqualTo(all.path("data").size());
    JsonNode mine = getJson("/sessions?component_id=helper&user_id=" + user);
    assertThat(mine.path("meta").path("total_count").asInt()).isEqualTo(1);
    JsonNode listed = mine.path("data").get(0);
    assertThat(listed.path("session_id").asText()).isEqualTo(sessionId);
    assertThat(listed.path("agent_id").asText()).isEqualTo("helper");
    assertThat(listed.path("user_id").asText()).isEqualTo(user);
    assertThat(listed.path("session_name").asText()).isNotBlank();

    JsonNode session = getJson("/sessions/" + sessionId);
    assertThat(session.path("session_id").asText()).isEqualTo(sessionId);
    assertThat(session.path("runs")).hasSize(1);
    JsonNode run = session.path("runs").get(0);
    assertThat(run.path("run_id").asText()).isEqualTo(runId);
    assertThat(run.path("status").asText()).isEqualTo("completed");
    JsonNode messages = run.path("messages");
    assertThat(roles(messages)).containsExactly("user", "assistant", "tool", "assistant");
    assertThat(messages.get(0).path("content").asText()).isEqualTo("calculate 2+3*4");
    JsonNode toolCall = messages.get(1).path("tool_calls").get(0);
    assertThat(toolCall.path("function").path("name").asText()).isEqualTo("calculator");
    assertThat(TestHttp.json(toolCall.path("function").path("arguments").asText()))
        .isEqualTo(TestHttp.json("{\"expression\":\"2+3*4\"}"));
    assertThat(messages.get(2).path("tool_call_id").asText())
        .isEqualTo(toolCall.path("id").asText());
    assertThat(messages.get(2).path("content").asText()).isEqualTo("14");
    assertThat(messages.get(3).path("content").asText()).isEqualTo(AgentRunsContract.ANSWER);

    JsonNode runs = getJson("/sessions/" + sessionId + "/runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("run_input").asText()).isEqualTo("calculate 2+3*4");
    assertThat(runs.get(0).path("content").asText()).isEqualTo(AgentRunsContract.ANSWER);
    assertThat(runs.get(0).path("tools").get(0).path("result").asText()).isEqualTo("14");
    AgentRunsContract.assertMetrics(runs.get(0).path("metrics"));
  }

  @Test
  default void replaysASessionsHistoryIntoItsNextRun() {
    String sessionId = "s-" + UUID.randomUUID();
    JsonNode first =
        AgentHttp.jsonRun(
            http(), server(), fields("message", "calculate 2+3*4", "session_id", sessionId));
    JsonNode second =
        AgentHttp.jsonRun(
            http(), server(), fields("message", "calculate 1+1", "session_id", sessionId));
    JsonNode fresh = AgentHttp.jsonRun(http(), server(), fields("message", "calculate 1+1"));

    assertThat(first.path("session_id").asText()).isEqualTo(sessionId);
    assertThat(second.path("session_id").asText()).isEqualTo(sessionId);
    assertThat(second.path("content").asText()).isEqualTo("The tool returned: 2");
    assertThat(fresh.path("content").asText()).isEqualTo("The tool returned: 2");
    // The same message costs more prompt tokens after the first exchange is replayed before it.
    assertThat(second.path("metrics").path("input_tokens").asInt())
        .isGreaterThan(fresh.path("metrics").path("input_tokens").asInt());

    JsonNode runs = getJson("/sessions/" + sessionId).path("runs");
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).path("run_input").asText()).isEqualTo("calculate 2+3*4");
    assertThat(runs.get(1).path("run_input").asText()).isEqualTo("calculate 1+1");
  }

  @Test
  default void filtersSessionsByAgentAndPagesThem() {
    String user = "filter-" + UUID.randomUUID();
    List<String> helpers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      helpers.add(run("helper", "calculate 1+" + i, user));
    }
    String other = run("other", "hello", user);

    for (String filter : List.of("agent_id", "component_id")) {
      JsonNode mine = getJson("/sessions?" + filter + "=helper&user_id=" + user);
      assertThat(sessionIds(mine.path("data")))
          .as(filter)
          .containsExactlyInAnyOrderElementsOf(helpers);
      assertThat(mine.path("meta").path("total_count").asInt()).isEqualTo(3);
      JsonNode others = getJson("/sessions?" + filter + "=other&user_id=" + user);
      assertThat(sessionIds(others.path("data"))).as(filter).containsExactly(other);
      assertThat(others.path("data").get(0).path("agent_id").asText()).isEqualTo("other");
    }
    assertThat(getJson("/sessions?user_id=" + user).path("meta").path("total_count").asInt())
        .as("no agent filter: both agents' sessions")
        .isEqualTo(4);

    JsonNode page1 = getJson("/sessions?component_id=helper&user_id=" + user + "&limit=2");
    JsonNode page2 = getJson("/sessions?component_id=helper&user_id=" + user + "&limit=2&page=2");
    assertThat(page1.path("data")).hasSize(2);
    assertThat(page2.path("data")).hasSize(1);
    assertThat(page2.path("meta").path("page").asInt()).isEqualTo(2);
    assertThat(page2.path("meta").path("total_count").asInt()).isEqualTo(3);
    assertThat(page2.path("meta").path("total_pages").asInt()).isEqualTo(2);
    List<String> paged = new ArrayList<>(sessionIds(page1.path("data")));
    paged.addAll(sessionIds(page2.path("data")));
    // Each session on one page only. (Their order is not checked: sessions updated in the same
    // second are ordered by id.)
    assertThat(paged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(helpers);
  }

  @Test
  default void deletesASession() {
    String sessionId =
        AgentHttp.jsonRun(http(), server(), fields("message", "calculate 6*7"))
            .path("session_id")
            .asText();
    assertThat(TestHttp.get(http(), server(), "/sessions/" + sessionId).statusCode())
        .isEqualTo(200);

    HttpResponse<String> deleted = delete("/sessions/" + sessionId);
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();

    JsonNode error =
        TestHttp.assertOpenAiError(
            TestHttp.get(http(), server(), "/sessions/" + sessionId), 404, "invalid_request_error");
    assertThat(error.path("code").asText()).isEqualTo("session_not_found");
    assertThat(TestHttp.get(http(), server(), "/sessions/" + sessionId + "/runs").statusCode())
        .isEqualTo(404);
    TestHttp.assertOpenAiError(delete("/sessions/" + sessionId), 404, "invalid_request_error");
    assertThat(sessionIds(getJson("/sessions?component_id=helper&limit=100").path("data")))
        .doesNotContain(sessionId);
  }

  @Test
  default void keepsSessionsAcrossARestart() {
    String sessionId = "restart-" + UUID.randomUUID();
    JsonNode before =
        AgentHttp.jsonRun(
            http(), server(), fields("message", "calculate 2+3*4", "session_id", sessionId));
    JsonNode fresh = AgentHttp.jsonRun(http(), server(), fields("message", "calculate 1+1"));

    restartServer();

    JsonNode session = getJson("/sessions/" + sessionId);
    assertThat(session.path("runs")).hasSize(1);
    JsonNode run = session.path("runs").get(0);
    assertThat(run.path("run_id").asText()).isEqualTo(before.path("run_id").asText());
    assertThat(run.path("content").asText()).isEqualTo(AgentRunsContract.ANSWER);
    assertThat(roles(run.path("messages")))
        .containsExactly("user", "assistant", "tool", "assistant");
    // The new process replays the stored history into the session's next run.
    JsonNode after =
        AgentHttp.jsonRun(
            http(), server(), fields("message", "calculate 1+1", "session_id", sessionId));
    assertThat(after.path("status").asText()).isEqualTo("completed");
    assertThat(after.path("metrics").path("input_tokens").asInt())
        .isGreaterThan(fresh.path("metrics").path("input_tokens").asInt());
    assertThat(getJson("/sessions/" + sessionId + "/runs")).hasSize(2);
  }

  /** A non-streamed run of {@code agent} for {@code user}, in a new session; its id. */
  private String run(String agent, String message, String user) {
    HttpResponse<String> response =
        TestHttp.send(
            http(),
            AgentHttp.run(
                server(),
                agent,
                Form.JSON,
                fields("message", message, "user_id", user, "stream", "false")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return TestHttp.json(response.body()).path("session_id").asText();
  }

  private JsonNode getJson(String path) {
    HttpResponse<String> response = TestHttp.get(http(), server(), path);
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return TestHttp.json(response.body());
  }

  private HttpResponse<String> delete(String path) {
    return TestHttp.send(http(), TestHttp.request(server(), path).DELETE().build());
  }

  private static List<String> sessionIds(JsonNode data) {
    List<String> ids = new ArrayList<>();
    data.forEach(s -> ids.add(s.path("session_id").asText()));
    return ids;
  }

  static List<String> roles(JsonNode messages) {
    List<String> roles = new ArrayList<>();
    messages.forEach(m -> roles.add(m.path("role").asText()));
    return roles;
  }
}
