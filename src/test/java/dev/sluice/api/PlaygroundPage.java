package dev.sluice.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The playground as a person uses it, for {@link PlaygroundBrowserTest}: one page in a browser. */
final class PlaygroundPage {
  /** Records each distinct text of the newest answer while it streams, in window.answerRenders. */
  private static final String RECORD_RENDERS =
      """
      window.answerRenders = [];
      const list = document.getElementById('messages');
      new MutationObserver(() => {
        const answer = list.querySelector('.message.assistant:last-child');
        if (!answer || answer.dataset.state !== 'streaming') return;
        const text = answer.querySelector('.body').textContent;
        if (text !== '' && window.answerRenders.at(-1) !== text) window.answerRenders.push(text);
      }).observe(list, {subtree: true, childList: true, characterData: true, attributes: true});
      """;

  /** Records each state a tool call of the newest answer is shown in, in window.toolStates. */
  private static final String RECORD_TOOL_STATES =
      """
      window.toolStates = [];
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.target.classList.contains('tool') && record.oldValue !== null) {
            window.toolStates.push(record.oldValue);
          }
        }
      }).observe(document.getElementById('messages'),
          {subtree: true, attributes: true, attributeFilter: ['data-state'], attributeOldValue: true});
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  final ChromeDriver driver;
  final WebDriverWait wait;
  private final String url;

  PlaygroundPage(ChromeDriver driver, String url) {
    this.driver = driver;
    this.url = url;
    this.wait = new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  /** Loads the page afresh and waits until the model picker is filled. */
  void open() {
    driver.get(url);
    wait.until(d -> !new Select(d.findElement(By.id("target"))).getOptions().isEmpty());
  }

  void chooseTarget(String value) {
    new Select(driver.findElement(By.id("target"))).selectByValue(value);
  }

  /** Whether the settings are unfolded (they start folded on a phone). */
  boolean settingsOpen() {
    return driver.findElement(By.id("settings")).getDomAttribute("open") != null;
  }

  /** Folds or unfolds the settings, as a click on their title does. */
  void toggleSettings() {
    driver.findElement(By.cssSelector("#settings > summary")).click();
  }

  /** Opens the settings and "Advanced", and types {@code json} as the extra request JSON. */
  void setExtraJson(String json) {
    if (!settingsOpen()) {
      toggleSettings();
    }
    WebElement advanced = driver.findElement(By.id("advanced"));
    if (advanced.getDomAttribute("open") == null) {
      advanced.findElement(By.tagName("summary")).click();
    }
    WebElement extra = driver.findElement(By.id("extra"));
    extra.clear();
    extra.sendKeys(json);
  }

  /** Types a message in the composer and sends it with the Enter key. */
  void typeAndPressEnter(String message) {
    WebElement prompt = driver.findElement(By.id("prompt"));
    prompt.sendKeys(message);
    prompt.sendKeys(Keys.ENTER);
  }

  void recordAnswerRenders() {
    driver.executeScript(RECORD_RENDERS);
  }

  @SuppressWarnings("unchecked")
  List<String> recordedRenders() {
    return (List<String>) driver.executeScript("return window.answerRenders");
  }

  /** Starts recording the states tool calls pass through; see {@link #recordedToolStates}. */
  void recordToolStates() {
    driver.executeScript(RECORD_TOOL_STATES);
  }

  /** The states tool calls were shown in, in order, then the current one of each. */
  @SuppressWarnings("unchecked")
  List<String> recordedToolStates() {
    return (List<String>)
        driver.executeScript(
            "return [...window.toolStates,"
                + " ...[...document.querySelectorAll('#messages .tool')].map(t => t.dataset.state)]");
  }

  /** The newest answer, waiting for it to appear. */
  WebElement lastAnswer() {
    return wait.until(
        d -> {
          List<WebElement> answers = d.findElements(By.cssSelector("#messages .message.assistant"));
          return answers.isEmpty() ? null : answers.getLast();
        });
  }

  /** Waits until the newest answer is in {@code state} (done, stopped, error) and returns it. */
  WebElement awaitAnswer(String state) {
    WebElement answer = lastAnswer();
    wait.until(d -> state.equals(answer.getDomAttribute("data-state")));
    return answer;
  }

  /** The text of an answer's body as the DOM holds it (not as CSS lays it out). */
  String answerText(WebElement answer) {
    return answer.findElement(By.className("body")).getDomProperty("textContent");
  }

  String figure(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  /**
   * Imports one of the page's modules ({@code /playground/<file>}) and returns what {@code body}, a
   * function body with the module as {@code module}, returns (awaited if a promise).
   */
  Object runModule(String file, String body) {
    String script =
        "const done = arguments[arguments.length - 1];"
            + "import('/playground/"
            + file
            + "').then(async (module) => done(await (async (module) => {"
            + body
            + "})(module)), (e) => done('failed: ' + e));";
    return driver.executeAsyncScript(script);
  }

  /** Extra request JSON giving the mock these options. */
  static String mockOptions(Map<String, Object> options) {
    try {
      return JSON.writeValueAsString(Map.of("sluice", Map.of("mock", options)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Saves the window as target/playground-{name}.png. */
  void screenshot(String name) {
    Path file = driver.getScreenshotAs(OutputType.FILE).toPath();
    try {
      Files.copy(
          file,
          Path.of("target", "playground-" + name + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
