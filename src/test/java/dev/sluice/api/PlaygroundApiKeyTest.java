package dev.sluice.api;

import static dev.sluice.api.PlaygroundPage.mockOptions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The playground against a server that requires an API key: it asks for one, then uses it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlaygroundApiKeyTest {
  private SluiceServer server;

  @BeforeAll
  void start() {
    server =
        SluiceServer.start(
            TestHttp.config("s3cret", ServerConfig.DEFAULT_MAX_BODY_BYTES, ModelConfig.mock()));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void asksForTheKeyThenSendsItWithEveryRequest() {
    PlaygroundPage page =
        new PlaygroundPage(
            HeadlessChromium.shared().driver(), "http://127.0.0.1:" + server.port() + "/");
    page.driver.manage().window().setSize(new Dimension(1280, 900));
    page.driver.get("http://127.0.0.1:" + server.port() + "/");
    WebElement status = page.driver.findElement(By.id("status"));
    page.wait.until(d -> status.getText().contains("Enter the server's API key"));
    assertThat(status.getText()).contains("HTTP 401");

    WebElement key = page.driver.findElement(By.id("api-key"));
    key.sendKeys("s3cret");
    key.sendKeys(Keys.TAB); // a change event: the models are loaded again, with the key
    page.wait.until(d -> !new Select(d.findElement(By.id("target"))).getOptions().isEmpty());
    page.setExtraJson(mockOptions(Map.of("text", "Welcome in.", "interval_ms", 5)));
    page.typeAndPressEnter("Hello");

    assertThat(page.answerText(page.awaitAnswer("done"))).isEqualTo("Welcome in.");
  }
}
