package dev.sluice.api;

import static dev.sluice.api.PlaygroundPage.mockOptions;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * How the playground renders what arrives, in a real browser: model output never becomes markup,
 * markdown comes out right, and the page's SSE parser and markdown renderer handle input cut
 * anywhere (run as modules in the page, fed pieces no server would choose).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlaygroundRenderingTest {
  private SluiceServer server;
  private PlaygroundPage page;

  @BeforeAll
  void start() {
    server = SluiceServer.start(TestHttp.mockConfig());
    page =
        new PlaygroundPage(
            HeadlessChromium.shared().driver(), "http://127.0.0.1:" + server.port() + "/");
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freshPage() {
    page.driver.manage().window().setSize(new Dimension(1280, 900));
    page.open();
  }

  @Test
  void modelOutputIsNeverMarkup() {
    String hostile =
        "<script>window.pwned = 1</script> and <img src=x onerror=\"window.pwned = 2\">"
            + " and [a trap](javascript:window.pwned=3)\n\n```html\n<b onclick=\"x()\">kept</b>\n```";
    page.setExtraJson(mockOptions(Map.of("text", hostile, "interval_ms", 5)));

    page.typeAndPressEnter("Be hostile");
    WebElement answer = page.awaitAnswer("done");

    assertThat(page.answerText(answer))
        .contains("<script>window.pwned = 1</script>")
        .contains("<img src=x onerror=\"window.pwned = 2\">")
        .contains("[a trap](javascript:window.pwned=3)");
    assertThat(answer.findElements(By.cssSelector("script, img, a, b"))).isEmpty();
    assertThat(answer.findElement(By.cssSelector("pre code")).getText())
        .isEqualTo("<b onclick=\"x()\">kept</b>");
    assertThat(page.driver.executeScript("return window.pwned === undefined")).isEqualTo(true);
  }

  /** The second line of defence: were markup ever to get in, its inline script would not run. */
  @Test
  void thePolicyBlocksInlineScriptEvenIfMarkupGotIn() {
    page.driver.executeScript(
        """
        const list = document.getElementById('messages');
        list.innerHTML = '<li><img src="/playground/none.png" onerror="window.pwned = 4"></li>';
        list.querySelector('img').addEventListener('error', () => { window.failedToLoad = true; });
        """);

    page.wait.until(
        d -> Boolean.TRUE.equals(page.driver.executeScript("return window.failedToLoad")));
    assertThat(page.driver.executeScript("return window.pwned === undefined")).isEqualTo(true);
  }

  @Test
  void markdownRendersAsItArrives() {
    String markdown =
        "# Title\n\nSome **bold**, *italic*, `a < b` and [a link](https://example.com/x).\n\n"
            + "- one\n- two\n\n```java\nint x = a < b ? 1 : 2;\n  indented();\n```\n";
    page.setExtraJson(mockOptions(Map.of("text", markdown, "interval_ms", 5)));

    page.typeAndPressEnter("Format something");
    WebElement answer = page.awaitAnswer("done");

    WebElement body = answer.findElement(By.className("body"));
    assertThat(body.findElement(By.tagName("h3")).getText()).isEqualTo("Title");
    assertThat(body.findElement(By.tagName("strong")).getText()).isEqualTo("bold");
    assertThat(body.findElement(By.tagName("em")).getText()).isEqualTo("italic");
    assertThat(body.findElement(By.cssSelector("p code")).getText()).isEqualTo("a < b");
    WebElement link = body.findElement(By.tagName("a"));
    assertThat(link.getDomAttribute("href")).isEqualTo("https://example.com/x");
    assertThat(link.getDomAttribute("rel")).contains("noopener");
    assertThat(body.findElements(By.cssSelector("ul li"))).hasSize(2);
    assertThat(body.findElement(By.cssSelector("pre code")).getDomProperty("textContent"))
        .isEqualTo("int x = a < b ? 1 : 2;\n  indented();");
  }

  @Test
  void theSseParserJoinsEventsCutAnywhereWhateverTheLineEnds() {
    Object events =
        page.runModule(
            "sse.js",
            """
            const parser = new module.SseParser();
            return ['id: 1\\r', '\\ndata: {"a":', '1}\\r\\n\\r\\n: keep-alive\\n\\nid: 2\\nev',
                    'ent: RunContent\\ndata: x\\ndata: y\\n', '\\n', 'data: z\\r\\r']
              .flatMap((piece) => parser.push(piece))
              .map((e) => `${e.id}|${e.event}|${e.data}`);
            """);

    assertThat(events)
        .isEqualTo(List.of("1|message|{\"a\":1}", "2|RunContent|x\ny", "2|message|z"));
  }

  @Test
  void partialMarkdownIsShownAsTextUntilItCompletes() {
    Object renders =
        page.runModule(
            "markdown.js",
            """
            const box = document.createElement('div');
            return ['Some **bo', 'Some **bold** `co', 'Some **bold** `code`\\n```py\\nx = 1',
                    '[x](data:text/html,hi) [y](https://a.example/)']
              .map((text) => {
                module.renderMarkdown(text, box);
                return box.innerHTML;
              });
            """);

    assertThat(renders)
        .isEqualTo(
            List.of(
                "<p>Some **bo</p>",
                "<p>Some <strong>bold</strong> `co</p>",
                "<p>Some <strong>bold</strong> <code>code</code></p>"
                    + "<pre><code data-language=\"py\">x = 1</code></pre>",
                "<p>[x](data:text/html,hi) <a href=\"https://a.example/\" rel=\"noopener"
                    + " noreferrer\" target=\"_blank\">y</a></p>"));
  }
}
