package dev.sluice.api;

import static dev.sluice.api.TestHttp.assertOpenAiError;
import static dev.sluice.api.TestHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The playground's files over HTTP, without a browser: content types, the Content-Security-Policy
 * that makes injected markup inert, and API-shaped 404s for anything else.
 */
class PlaygroundRoutesTest {
  private static SluiceServer server;
  private static final HttpClient client = TestHttp.client();

  @BeforeAll
  static void start() {
    server = SluiceServer.start(TestHttp.mockConfig());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void thePageIsServedAtTheRootWithAStrictPolicy() {
    HttpResponse<String> page = get(client, server, "/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body()).contains("<script type=\"module\" src=\"/playground/app.js\">");
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy)
        .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @ParameterizedTest
  @CsvSource({
    "/playground/app.js, text/javascript",
    "/playground/markdown.js, text/javascript",
    "/playground/playground.css, text/css",
    "/playground/favicon.svg, image/svg+xml"
  })
  void assetsHaveTheirContentTypes(String path, String type) {
    HttpResponse<String> asset = get(client, server, path);

    assertThat(asset.statusCode()).isEqualTo(200);
    assertThat(asset.headers().firstValue("Content-Type").orElseThrow()).startsWith(type);
    assertThat(asset.headers().firstValue("Content-Security-Policy")).isPresent();
  }

  /** The page never hands model text to the HTML parser. */
  @ParameterizedTest
  @ValueSource(strings = {"app.js", "markdown.js", "messages.js", "turns.js", "figures.js"})
  void noScriptParsesTextAsHtml(String file) {
    String script = get(client, server, "/playground/" + file).body();

    assertThat(script).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/playground/missing.js", "/playground/app.exe", "/playground/..%2Flogback.xml"})
  void unknownFilesAreApiShaped404s(String path) {
    assertOpenAiError(get(client, server, path), 404, "invalid_request_error");
  }
}
