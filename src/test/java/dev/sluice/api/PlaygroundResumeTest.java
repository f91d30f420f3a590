package dev.sluice.api;

import static dev.sluice.api.PlaygroundPage.mockOptions;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * Resumable streams in the playground, in a real browser that reaches the server through a proxy
 * which cuts one response mid-way: the page reconnects after the last complete event, and the
 * answer ends exactly as if nothing had happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlaygroundResumeTest {
  @TempDir static Path dir;
  private SluiceServer server;
  private DroppingProxy proxy;
  private PlaygroundPage page;

  @BeforeAll
  void start() {
    server = PlaygroundBrowserTest.startWithHelperAgent(dir.resolve("sluice.db"));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void pageThroughProxy() throws IOException {
    proxy = new DroppingProxy(server.port());
    page =
        new PlaygroundPage(
            HeadlessChromium.shared().driver(), "http://127.0.0.1:" + proxy.port() + "/");
    page.driver.manage().window().setSize(new Dimension(1280, 900));
    page.open();
    page.driver.findElement(By.id("resumable")).click();
  }

  @AfterEach
  void closeProxy() {
    proxy.close();
  }

  @Test
  void aDroppedChatStreamResumesWithoutRepeatingText() {
    String reply =
        IntStream.rangeClosed(1, 30).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
    page.setExtraJson(mockOptions(Map.of("text", reply, "interval_ms", 30)));
    // A few events in, most likely inside one: the cut-off event must come again, once.
    proxy.cutNextResponse("POST /v1/chat/completions", 1500);

    page.typeAndPressEnter("Hello");
    WebElement answer = page.awaitAnswer("done");

    assertThat(page.answerText(answer)).isEqualTo(reply);
    assertThat(proxy.requests())
        .anySatisfy(
            request ->
                assertThat(request).matches("GET /v1/chat/completions/chatcmpl-\\S+/stream"));
    assertThat(proxy.lastEventIds()).singleElement().asString().matches("\\d+");
  }

  @Test
  void aDroppedAgentRunResumesWithoutRepeatingItsToolCall() {
    page.chooseTarget("agent:helper");
    // Past RunStarted, inside the tool call's events.
    proxy.cutNextResponse("POST /agents/helper/runs", 900);

    page.typeAndPressEnter("calculate 2+3*4");
    WebElement answer = page.awaitAnswer("done");

    assertThat(answer.findElements(By.cssSelector(".tools .tool"))).hasSize(1);
    assertThat(answer.findElement(By.className("tool-result")).getText()).isEqualTo("→ 14");
    assertThat(page.answerText(answer)).isEqualTo("The tool returned: 14");
    assertThat(proxy.requests())
        .anySatisfy(
            request -> assertThat(request).matches("GET /agents/helper/runs/[-0-9a-f]+/stream"));
    assertThat(proxy.lastEventIds()).singleElement().asString().matches("\\d+");
  }
}
