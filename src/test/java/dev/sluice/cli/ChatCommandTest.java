package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.SluiceServer;
import dev.sluice.chaos.ChaosProxy;
import dev.sluice.client.ChatClient;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.openai.ChatMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sluice chat} against a real server on a random port. */
class ChatCommandTest {
  private static SluiceServer server;
  private static String baseUrl;

  @BeforeAll
  static void start() {
    server =
        SluiceServer.start(
            new SluiceConfig(
                new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
                List.of(ModelConfig.mock()),
                "test"));
    baseUrl = server.openAiBaseUrl().toString();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run chat(String... args) {
    return chatWith(baseUrl, args);
  }

  private static Run chatWith(String base, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Sluice.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("chat", "--base-url", base));
    all.addAll(List.of(args));
    int code = cmd.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static String expectedReply(String prompt) throws InterruptedException {
    return new ChatClient(server.openAiBaseUrl(), null)
        .complete("mock", List.of(new ChatMessage("user", prompt)));
  }

  @Test
  void streamsTheReplyToTheTerminal() throws Exception {
    Run run = chat("--model", "mock", "Tell", "me", "a", "story");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(expectedReply("Tell me a story") + System.lineSeparator());
    assertThat(run.err()).isEmpty();
  }

  @Test
  void noStreamPrintsTheSameReply() throws Exception {
    Run run = chat("--no-stream", "hello");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(expectedReply("hello") + System.lineSeparator());
  }

  @Test
  void delayPrintsEveryCharacterInOrder() throws Exception {
    Run run = chat("--delay", "1", "paced");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(expectedReply("paced") + System.lineSeparator());
  }

  @Test
  void anHttpErrorPrintsOneClearLineAndExitsNonZero() {
    Run run = chat("--model", "no-such-model", "hi");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip())
        .startsWith("sluice chat: error: HTTP 404: The model 'no-such-model' does not exist")
        .doesNotContain("\n");
  }

  @Test
  void interactiveLoopKeepsTheConversation() throws Exception {
    ChatCommand command = new ChatCommand();
    command.input =
        new java.io.ByteArrayInputStream(
            "first\n\nsecond\n/exit\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(command);
    cmd.setOut(new PrintWriter(out, true));
    int code = cmd.execute("--base-url", baseUrl);
    assertThat(code).isZero();
    ChatClient client = new ChatClient(server.openAiBaseUrl(), null);
    String first = client.complete("mock", List.of(new ChatMessage("user", "first")));
    // The second turn is sent with the whole history, so its reply depends on the first.
    String second =
        client.complete(
            "mock",
            List.of(
                new ChatMessage("user", "first"),
                new ChatMessage("assistant", first),
                new ChatMessage("user", "second")));
    assertThat(second).isNotEqualTo(expectedReply("second"));
    assertThat(out.toString())
        .contains("> " + first + System.lineSeparator())
        .contains("> " + second + System.lineSeparator());
  }

  @Test
  void anUnreachableServerIsOneLineToo() {
    StringWriter err = new StringWriter();
    CommandLine cmd = Sluice.commandLine();
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute("chat", "--base-url", "http://127.0.0.1:1/v1", "hi");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("sluice chat: error: cannot reach");
  }

  @Test
  void resumablePrintsTheWholeReplyOnceThroughADroppedConnection() throws Exception {
    // The first connection is cut after 1,500 bytes: a few events in, most likely inside one.
    ChaosProxy.CutPlan plan =
        (connection, head) -> connection == 0 ? new ChaosProxy.Cut(1_500, false) : null;
    try (ChaosProxy proxy = ChaosProxy.start(server.port(), plan)) {
      Run run = chatWith(proxy.openAiBaseUrl().toString(), "--resumable", "Tell", "me", "more");
      assertThat(proxy.cuts()).as("the connection was cut").isEqualTo(1);
      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo(expectedReply("Tell me more") + System.lineSeparator());
    }
  }

  @Test
  void resumableNeedsStreaming() {
    Run run = chat("--resumable", "--no-stream", "hi");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--resumable resumes streams");
  }
}
