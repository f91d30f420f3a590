package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Sluice;
import dev.sluice.api.SluiceServer;
import dev.sluice.client.AgentClient;
import dev.sluice.client.ChatClientException;
import dev.sluice.config.AgentConfig;
import dev.sluice.config.AgentSetup;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StorageConfig;
import dev.sluice.config.StreamsConfig;
import dev.sluice.config.ToolsConfig;
import dev.sluice.openai.Json;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice chat --agent} against a real server with an agent, on a random port. */
class AgentChatCommandTest {
  private static final String NL = System.lineSeparator();
  private static final String ANSWER = "The tool returned: 14";
  private static final String TOOL_START = "  ⚙ calculator {\"expression\":\"2+3*4\"}" + NL;
  private static final String TOOL_END = "  ✓ calculator → 14" + NL;
  private static final Pattern SESSION = Pattern.compile("session: (\\S+)");

  @TempDir static Path dir;
  private static SluiceServer server;
  private static String baseUrl;

  @BeforeAll
  static void start() {
    server =
        SluiceServer.start(
            new SluiceConfig(
                new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
                StreamsConfig.defaults(),
                List.of(ModelConfig.mock()),
                new AgentSetup(
                    new StorageConfig("jdbc:sqlite:" + dir.resolve("sluice.db"), null, null),
                    ToolsConfig.defaults(),
                    List.of(
                        new AgentConfig(
                            "helper",
                            "Helper",
                            null,
                            "mock",
                            "Be concise.",
                            List.of("datetime", "calculator"),
                            3,
                            6))),
                "test"));
    baseUrl = server.openAiBaseUrl().toString();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run chat(String... args) {
    return run(Sluice.commandLine(), args);
  }

  private static Run run(CommandLine cmd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>();
    if (cmd.getCommand() instanceof Sluice) {
      all.add("chat");
    }
    all.addAll(List.of("--base-url", baseUrl));
    all.addAll(List.of(args));
    int code = cmd.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static List<String> sessionIds(String err) {
    List<String> ids = new ArrayList<>();
    for (Matcher m = SESSION.matcher(err); m.find(); ) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(AgentClient.serverRoot(server.openAiBaseUrl()).resolve(path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return Json.MAPPER.readTree(response.body());
  }

  @Test
  void showsToolCallsOnStderrAndTheAnswerAloneOnStdout() throws Exception {
    Run run = chat("--agent", "helper", "calculate", "2+3*4");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(ANSWER + NL);
    List<String> ids = sessionIds(run.err());
    assertThat(ids).hasSize(1);
    assertThat(run.err()).isEqualTo(TOOL_START + TOOL_END + "session: " + ids.get(0) + NL);
    JsonNode runs = get("sessions/" + ids.get(0) + "/runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("content").asText()).isEqualTo(ANSWER);
  }

  @Test
  void delayAndNoStreamPrintTheSame() {
    Run paced = chat("--agent", "helper", "--delay", "1", "calculate 2+3*4");
    Run whole = chat("--agent", "helper", "--no-stream", "calculate 2+3*4");
    for (Run run : List.of(paced, whole)) {
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo(ANSWER + NL);
      assertThat(run.err()).startsWith(TOOL_START + TOOL_END + "session: ");
    }
  }

  @Test
  void interactiveLoopKeepsOneSessionAcrossTurns() throws Exception {
    ChatCommand command = new ChatCommand();
    command.input =
        new ByteArrayInputStream(
            "calculate 2+3*4\n\nhello again\n/exit\n".getBytes(StandardCharsets.UTF_8));
    Run run = run(new CommandLine(command), "--agent", "helper");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("> " + ANSWER + NL);
    List<String> ids = sessionIds(run.err());
    assertThat(ids).as("the session id is printed once").hasSize(1);
    JsonNode runs = get("sessions/" + ids.get(0) + "/runs");
    assertThat(runs).hasSize(2);
    assertThat(runs.findValuesAsText("run_input"))
        .containsExactlyInAnyOrder("calculate 2+3*4", "hello again");
    // The second turn's answer is on stdout too, after its prompt.
    String second =
        runs.findParents("run_input").stream()
            .filter(r -> r.path("run_input").asText().equals("hello again"))
            .findFirst()
            .orElseThrow()
            .path("content")
            .asText();
    assertThat(run.out()).contains("> " + second + NL);
  }

  @Test
  void sessionContinuesAGivenSession() throws Exception {
    Run first = chat("--agent", "helper", "calculate 2+3*4");
    String id = sessionIds(first.err()).get(0);
    Run second = chat("--agent", "helper", "--session", id, "thanks");
    assertThat(second.exitCode()).isZero();
    assertThat(sessionIds(second.err())).containsExactly(id);
    assertThat(get("sessions/" + id + "/runs")).hasSize(2);
  }

  @Test
  void anUnknownAgentIsOneClearErrorLine() {
    Run run = chat("--agent", "nobody", "hi");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEqualTo(NL);
    assertThat(run.err())
        .startsWith("sluice chat: error: HTTP 404: There is no agent 'nobody'")
        .endsWith(NL);
    assertThat(run.err().strip()).doesNotContain("\n");
  }

  @Test
  void agentRefusesModelSystemAndResumable() {
    assertThat(chat("--agent", "helper", "--model", "mock", "hi").err())
        .contains("--model cannot go with --agent");
    assertThat(chat("--agent", "helper", "--system", "x", "hi").err())
        .contains("--system cannot go with --agent");
    Run run = chat("--agent", "helper", "--resumable", "hi");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--resumable cannot go with --agent");
    Run session = chat("--session", "abc", "hi");
    assertThat(session.exitCode()).isEqualTo(2);
    assertThat(session.err()).contains("--session continues an agent's session");
  }

  @Test
  void clientDerivesTheServerRootAndReportsEvents() throws Exception {
    assertThat(AgentClient.serverRoot(URI.create("http://h:1/v1/")))
        .isEqualTo(URI.create("http://h:1/"));
    assertThat(AgentClient.serverRoot(URI.create("http://h:1")))
        .isEqualTo(URI.create("http://h:1/"));
    List<String> seen = new ArrayList<>();
    AgentClient.Listener listener =
        new AgentClient.Listener() {
          @Override
          public void content(String delta) {
            seen.add("content");
          }

          @Override
          public void toolStarted(AgentClient.ToolCall call) {
            seen.add("started " + call.name() + " " + call.args().path("expression").asText());
          }

          @Override
          public void toolCompleted(AgentClient.ToolCall call) {
            seen.add("completed " + call.name() + " " + call.result());
          }
        };
    AgentClient.RunResult result =
        new AgentClient(server.openAiBaseUrl(), null)
            .run("helper", "calculate 2+3*4", null, true, listener);
    assertThat(result.content()).isEqualTo(ANSWER);
    assertThat(result.sessionId()).isNotBlank();
    assertThat(result.runId()).isNotBlank();
    assertThat(seen).startsWith("started calculator 2+3*4", "completed calculator 14", "content");
    assertThatThrownBy(
            () ->
                new AgentClient(server.openAiBaseUrl(), null)
                    .run("nobody", "hi", null, true, new AgentClient.Listener() {}))
        .isInstanceOf(ChatClientException.class)
        .hasMessageStartingWith("HTTP 404: There is no agent 'nobody'")
        .extracting(e -> ((ChatClientException) e).status())
        .isEqualTo(404);
  }
}
