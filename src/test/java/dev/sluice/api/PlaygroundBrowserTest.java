package dev.sluice.api;

import static dev.sluice.api.PlaygroundPage.mockOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.config.AgentConfig;
import dev.sluice.config.AgentSetup;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StorageConfig;
import dev.sluice.config.StreamsConfig;
import dev.sluice.config.ToolsConfig;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The playground at {@code GET /} in a real browser (headless Chromium) against a running server:
 * streamed text arrives in several renders, Stop cancels the stream on the server, an agent run
 * shows its tool call, errors show inline, and the page works with the keyboard and at phone width.
 * Screenshots go to {@code target/playground-*.png}. Rendering (markdown, inert model output) is
 * {@link PlaygroundRenderingTest}; resuming dropped streams {@link PlaygroundResumeTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlaygroundBrowserTest {
  private static final AgentConfig HELPER =
      new AgentConfig(
          "helper",
          "Helper",
          "Calculates.",
          "mock",
          "You are concise.",
          List.of("calculator"),
          3,
          6);

  @TempDir static Path dir;
  private SluiceServer server;
  private HeadlessChromium chromium;
  private PlaygroundPage page;

  /** A server with the mock and agent {@code helper} (mock, calculator), storing in {@code db}. */
  static SluiceServer startWithHelperAgent(Path db) {
    StorageConfig storage = new StorageConfig("jdbc:sqlite:" + db, null, null);
    return SluiceServer.start(
        new SluiceConfig(
            new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
            StreamsConfig.defaults(),
            List.of(ModelConfig.mock()),
            new AgentSetup(storage, ToolsConfig.defaults(), List.of(HELPER)),
            "test"));
  }

  @BeforeAll
  void start() {
    server = startWithHelperAgent(dir.resolve("sluice.db"));
    chromium = HeadlessChromium.shared();
    page = new PlaygroundPage(chromium.driver(), "http://127.0.0.1:" + server.port() + "/");
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freshPage() {
    chromium.driver().manage().window().setSize(new Dimension(1280, 900));
    page.open();
  }

  @Test
  void mockReplyAppearsIncrementally() {
    String reply =
        IntStream.rangeClosed(1, 30).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
    page.setExtraJson(mockOptions(Map.of("text", reply, "interval_ms", 30)));
    page.recordAnswerRenders();

    page.typeAndPressEnter("Hello");
    WebElement answer = page.awaitAnswer("done");

    assertThat(page.answerText(answer)).isEqualTo(reply);
    List<String> partial =
        page.recordedRenders().stream().filter(text -> !text.equals(reply)).toList();
    assertThat(partial).as("renders before the reply was complete").hasSizeGreaterThanOrEqualTo(5);
    assertThat(partial).allSatisfy(text -> assertThat(reply).startsWith(text));
    assertThat(page.figure("ttft")).matches("\\d+ ms");
    assertThat(Integer.parseInt(page.figure("chunks"))).isGreaterThanOrEqualTo(6);
    assertThat(page.figure("rate")).matches("\\d+\\.\\d( \\(est\\.\\))?");
  }

  @Test
  void stopCancelsTheStreamOnTheServer() {
    double goneBefore = clientGoneStreams();
    page.setExtraJson(mockOptions(Map.of("tokens", 5000, "interval_ms", 20)));

    page.typeAndPressEnter("Talk for a long time");
    WebElement answer = page.lastAnswer();
    page.wait.until(d -> !page.answerText(answer).isEmpty());
    // By keyboard alone: from the message box, Tab skips the disabled Send and reaches Stop.
    page.driver.switchTo().activeElement().sendKeys(Keys.TAB);
    assertThat(page.driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("stop");
    page.driver.switchTo().activeElement().sendKeys(Keys.ENTER);

    assertThat(page.awaitAnswer("stopped").getText()).contains("Stopped.");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(clientGoneStreams()).isEqualTo(goneBefore + 1);
              assertThat(server.metrics().activeStreams()).isZero();
            });
  }

  @Test
  void escapeStopsToo() {
    page.setExtraJson(mockOptions(Map.of("tokens", 5000, "interval_ms", 20)));
    page.typeAndPressEnter("Talk for a long time");
    WebElement answer = page.lastAnswer();
    page.wait.until(d -> !page.answerText(answer).isEmpty());

    page.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);

    assertThat(page.awaitAnswer("stopped").getText()).contains("Stopped.");
  }

  @Test
  void agentRunShowsItsToolCallAfterAModelTurn() {
    String markdown =
        "Sluice streams **whole words** and keeps code intact:\n\n"
            + "```python\nfor chunk in stream:\n    print(chunk, end=\"\")\n```";
    page.setExtraJson(mockOptions(Map.of("text", markdown, "interval_ms", 5)));
    page.typeAndPressEnter("Show me some markdown");
    page.awaitAnswer("done");
    page.setExtraJson("");
    page.chooseTarget("agent:helper");
    page.recordToolStates();

    page.typeAndPressEnter("calculate 2+3*4");
    WebElement answer = page.awaitAnswer("done");

    assertThat(page.driver.findElements(By.cssSelector("#messages .message")))
        .as("the conversation so far")
        .hasSize(4);

    WebElement tool = answer.findElement(By.cssSelector(".tools .tool"));
    assertThat(page.recordedToolStates())
        .as("the call shown as it starts, then as it ends")
        .containsExactly("started", "completed");
    assertThat(tool.getDomAttribute("data-state")).isEqualTo("completed");
    assertThat(tool.findElement(By.className("tool-name")).getText()).isEqualTo("calculator");
    assertThat(tool.findElement(By.className("tool-args")).getText()).contains("2+3*4");
    assertThat(tool.findElement(By.className("tool-result")).getText()).isEqualTo("→ 14");
    assertThat(page.answerText(answer)).contains("14");
    page.screenshot("agent");
  }

  @Test
  void withStreamingOffTheAnswerComesWhole() {
    page.driver.findElement(By.id("stream")).click();
    page.setExtraJson(mockOptions(Map.of("text", "All **at once**.", "interval_ms", 5)));
    page.typeAndPressEnter("Hello");

    WebElement reply = page.awaitAnswer("done");
    assertThat(page.answerText(reply)).isEqualTo("All at once.");
    assertThat(reply.findElement(By.tagName("strong")).getText()).isEqualTo("at once");
    assertThat(page.figure("chunks")).isEqualTo("1");

    page.setExtraJson("");
    page.chooseTarget("agent:helper");
    page.typeAndPressEnter("calculate 2+3*4");

    WebElement run = page.awaitAnswer("done");
    assertThat(run.findElement(By.className("tool-result")).getText()).isEqualTo("→ 14");
    assertThat(page.answerText(run)).isEqualTo("The tool returned: 14");
  }

  @Test
  void anHttpErrorShowsInline() {
    page.setExtraJson(mockOptions(Map.of("fail_status", 500)));

    page.typeAndPressEnter("Fail at once");

    WebElement answer = page.awaitAnswer("error");
    assertThat(answer.findElement(By.cssSelector(".error[role=alert]")).getText())
        .startsWith("Error: HTTP 500");
  }

  @Test
  void anErrorInTheStreamShowsInlineAfterTheTextSoFar() {
    page.setExtraJson(mockOptions(Map.of("tokens", 40, "interval_ms", 5, "fail_after", 3)));

    page.typeAndPressEnter("Fail mid-way");

    WebElement answer = page.awaitAnswer("error");
    assertThat(page.answerText(answer)).isNotEmpty();
    assertThat(answer.findElement(By.cssSelector(".error[role=alert]")).getText())
        .startsWith("Error: ")
        .contains("server_error");
  }

  @Test
  void invalidExtraJsonIsNotSent() {
    page.setExtraJson("{\"sluice\": ");

    page.typeAndPressEnter("Hello");

    assertThat(page.driver.findElement(By.id("extra-error")).getText())
        .startsWith("The extra JSON is not valid");
    assertThat(page.driver.findElements(By.cssSelector("#messages .message"))).isEmpty();
  }

  @Test
  void worksAtPhoneWidth() {
    chromium.driver().manage().window().setSize(new Dimension(375, 812));
    page.open();
    assertThat(page.settingsOpen()).as("settings folded, the conversation first").isFalse();
    page.setExtraJson(mockOptions(Map.of("tokens", 20, "interval_ms", 5)));
    page.toggleSettings();

    page.typeAndPressEnter("Hello from a phone");
    page.awaitAnswer("done");

    Object overflow =
        page.driver.executeScript(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertThat(((Number) overflow).intValue())
        .as("horizontal overflow in px")
        .isLessThanOrEqualTo(0);
    page.screenshot("phone");
  }

  private double clientGoneStreams() {
    Counter counter =
        server
            .metrics()
            .registry()
            .find("sluice.streams")
            .tags("model", "mock", "outcome", "client_gone")
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
