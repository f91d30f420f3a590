package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.Sluice;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code sluice chat --agent} against a scripted AgentOS server whose runs end badly: a tool error,
 * {@code RunError}, {@code RunCancelled}, a stream cut before the run ended.
 */
class AgentChatCommandErrorTest {
  private static final String NL = System.lineSeparator();
  private static final String START =
      frame(0, "RunStarted", "{}")
          + frame(
              1,
              "ToolCallStarted",
              "{\"tool\":{\"tool_name\":\"calculator\",\"tool_args\":{\"expression\":\"1/0\"}}}")
          + frame(
              2,
              "ToolCallError",
              "{\"tool\":{\"tool_name\":\"calculator\",\"tool_call_error\":true},"
                  + "\"error\":\"division by zero\"}")
          + frame(3, "RunContent", "{\"content\":\"Sorry, \"}");
  private static final Map<String, String> SCRIPTS =
      Map.of(
          "failing", START + frame(4, "RunError", "{\"content\":\"the model failed\"}"),
          "cancelled", START + frame(4, "RunCancelled", "{\"reason\":\"stopped by a user\"}"),
          "cut", START);

  private static HttpServer server;

  @BeforeAll
  static void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/agents/",
        exchange -> {
          String agent = exchange.getRequestURI().getPath().split("/")[2];
          byte[] body = SCRIPTS.get(agent).getBytes(StandardCharsets.UTF_8);
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  /** One AgentOS frame; {@code json} holds the fields besides the name and ids. */
  private static String frame(int id, String name, String json) {
    String data =
        "{\"event\":\""
            + name
            + "\",\"session_id\":\"s1\",\"run_id\":\"r1\""
            + (json.equals("{}") ? "}" : "," + json.substring(1));
    return "id: " + id + "\nevent: " + name + "\ndata: " + data + "\n\n";
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run chat(String agent) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Sluice.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    int code = cmd.execute("chat", "--base-url", base, "--agent", agent, "1/0");
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertEndsWith(String agent, String error) {
    Run run = chat(agent);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEqualTo("Sorry, " + NL);
    assertThat(run.err())
        .isEqualTo(
            "  ⚙ calculator {\"expression\":\"1/0\"}"
                + NL
                + "  ✗ calculator: division by zero"
                + NL
                + "sluice chat: error: "
                + error
                + NL
                + "session: s1"
                + NL);
  }

  @Test
  void aRunErrorIsOneErrorLineAfterTheToolError() {
    assertEndsWith("failing", "the model failed");
  }

  @Test
  void aCancelledRunSaysSo() {
    assertEndsWith("cancelled", "the run was cancelled: stopped by a user");
  }

  @Test
  void aStreamThatStopsEarlyIsAnError() {
    assertEndsWith("cut", "the stream ended before the run did");
  }
}
