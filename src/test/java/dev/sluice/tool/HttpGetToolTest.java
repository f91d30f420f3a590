package dev.sluice.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.openai.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * http_get against a real HTTP server on 127.0.0.1, the only allowed host: bodies, charsets, the
 * size limit, redirects and what is refused before any request. Stalls, timeouts and interruption
 * are in {@link HttpGetStallTest}.
 */
class HttpGetToolTest {
  private static final int LIMIT = 1024;

  private HttpServer server;
  private String base;
  private HttpGetTool tool;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    tool = new HttpGetTool(List.of("127.0.0.1"), LIMIT, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    tool.close();
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    try (exchange) {
      switch (path) {
        case "/ok" -> send(exchange, 200, "text/plain; charset=utf-8", utf8("héllo ✓\n"));
        case "/missing" -> send(exchange, 404, "text/html", utf8("<h1>Not here</h1>"));
        case "/latin1" ->
            send(exchange, 200, "text/plain; charset=ISO-8859-1", new byte[] {'c', -23});
        case "/bad-utf8" -> send(exchange, 200, "text/plain", new byte[] {'a', -1, 'b'});
        case "/no-type" -> send(exchange, 200, null, utf8("plain"));
        case "/exact" -> send(exchange, 200, "text/plain", utf8("x".repeat(LIMIT)));
        case "/big" -> send(exchange, 200, "text/plain", utf8("y".repeat(LIMIT + 1)));
        case "/cut-char" -> send(exchange, 200, "text/plain", utf8("a" + "é".repeat(LIMIT)));
        case "/endless" -> endless(exchange);
        case "/away" -> redirect(exchange, "http://localhost:" + port() + "/secret");
        case "/to-file" -> redirect(exchange, "file:///etc/passwd");
        case "/relative" -> redirect(exchange, "ok");
        case "/no-location" -> send(exchange, 302, "text/plain", utf8("nowhere to go"));
        default -> {
          if (path.startsWith("/hops/")) { // /hops/3 redirects to /hops/2 ... /hops/0 is the end
            int left = Integer.parseInt(path.substring("/hops/".length()));
            if (left == 0) {
              send(exchange, 200, "text/plain", utf8("arrived"));
            } else {
              redirect(exchange, "/hops/" + (left - 1));
            }
          } else {
            send(exchange, 500, "text/plain", utf8("unexpected " + path));
          }
        }
      }
    }
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    if (type != null) {
      exchange.getResponseHeaders().set("Content-Type", type);
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(302, -1);
  }

  /** Writes until the client stops reading and goes away. */
  private static void endless(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    byte[] chunk = utf8("z".repeat(8192));
    while (true) {
      out.write(chunk);
      out.flush();
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private String get(String url) throws Exception {
    return tool.call(Json.MAPPER.createObjectNode().put("url", url));
  }

  private int hits(String path) {
    return hits.getOrDefault(path, new AtomicInteger()).get();
  }

  @Test
  void returnsStatusContentTypeAndBody() throws Exception {
    assertThat(get(base + "/ok"))
        .isEqualTo("Status: 200\nContent-Type: text/plain; charset=utf-8\n\nhéllo ✓\n");
    assertThat(get(base + "/missing"))
        .isEqualTo("Status: 404\nContent-Type: text/html\n\n<h1>Not here</h1>");
    assertThat(get(base + "/no-type")).isEqualTo("Status: 200\nContent-Type: (none)\n\nplain");
  }

  @Test
  void decodesTheDeclaredCharsetOrUtf8WithReplacement() throws Exception {
    assertThat(get(base + "/latin1")).endsWith("\n\ncé");
    assertThat(get(base + "/bad-utf8")).endsWith("\n\na\uFFFDb");
  }

  @Test
  void truncatesBodiesOverTheLimitWithANote() throws Exception {
    assertThat(get(base + "/exact")).endsWith("\n\n" + "x".repeat(LIMIT));
    assertThat(get(base + "/big"))
        .endsWith(
            "\n\n"
                + "y".repeat(LIMIT)
                + "\n\n[Truncated: only the first 1024 bytes of the body are shown.]");
    // A cut inside a two-byte character drops the half, rather than showing a replacement.
    assertThat(get(base + "/cut-char"))
        .endsWith(
            "\n\na"
                + "é".repeat((LIMIT - 1) / 2)
                + "\n\n[Truncated: only the first 1024 bytes of the body are shown.]");
  }

  @Test
  void stopsReadingAnEndlessBody() throws Exception {
    assertThat(get(base + "/endless"))
        .endsWith(
            "z".repeat(LIMIT)
                + "\n\n[Truncated: only the first 1024 bytes of the body are shown.]");
  }

  @Test
  void followsUpToThreeRedirects() throws Exception {
    assertThat(get(base + "/hops/3"))
        .isEqualTo(
            "Status: 200\nContent-Type: text/plain\nURL after redirects: "
                + base
                + "/hops/0\n\narrived");
    assertThat(get(base + "/relative")).contains("URL after redirects: " + base + "/ok\n");
    assertThatThrownBy(() -> get(base + "/hops/4"))
        .isInstanceOf(ToolException.class)
        .hasMessage("Too many redirects: " + base + "/hops/4 still redirects after 3 of them.");
    assertThat(hits("/hops/0")).as("only the first chain arrived").isEqualTo(1);
    assertThat(get(base + "/no-location")).startsWith("Status: 302\n");
  }

  @Test
  void refusesARedirectToAHostNotAllowed() {
    // localhost is this same server, but only the name 127.0.0.1 is allowed.
    assertThatThrownBy(() -> get(base + "/away"))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            base
                + "/away redirected to http://localhost:"
                + port()
                + "/secret, but the host \"localhost\" is not allowed. Allowed hosts: 127.0.0.1.");
    assertThatThrownBy(() -> get(base + "/to-file"))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("redirected to file:///etc/passwd, but only http and https URLs");
    assertThat(hits("/secret")).isZero();
  }

  @Test
  void refusesAHostNotAllowedBeforeConnecting() throws Exception {
    try (HttpGetTool strict =
        new HttpGetTool(List.of("example.org", "*.example.com"), LIMIT, Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> strict.call(Json.MAPPER.createObjectNode().put("url", base + "/ok")))
          .isInstanceOf(ToolException.class)
          .hasMessage(
              "The host \"127.0.0.1\" is not allowed. Allowed hosts: example.org, *.example.com.");
    }
    assertThat(hits).isEmpty();
    try (HttpGetTool none = new HttpGetTool(List.of(), LIMIT, Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> none.call(Json.MAPPER.createObjectNode().put("url", base + "/ok")))
          .hasMessageEndingWith("Allowed hosts: none (the server allows no hosts).");
    }
    assertThat(hits).isEmpty();
  }

  @Test
  void refusesOtherSchemesAndBadUrls() {
    for (String url :
        List.of(
            "ftp://127.0.0.1/file",
            "file:///etc/passwd",
            "127.0.0.1/ok",
            "javascript:alert(1)",
            "http:///ok",
            "http://user:pw@127.0.0.1:" + port() + "/ok",
            "http://127.0.0.1/a b")) {
      assertThatThrownBy(() -> get(url)).as(url).isInstanceOf(ToolException.class);
    }
    assertThatThrownBy(() -> get("ftp://127.0.0.1/file"))
        .hasMessage(
            "Only http and https URLs can be fetched, e.g. https://example.com/page; not ftp:");
    assertThatThrownBy(() -> get("127.0.0.1/ok"))
        .hasMessage(
            "Only http and https URLs can be fetched, e.g. https://example.com/page; not"
                + " \"127.0.0.1/ok\"");
    assertThat(hits).isEmpty();
  }

  @Test
  void reportsAConnectionThatFails() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/ok";
    assertThatThrownBy(() -> get(url))
        .isInstanceOf(ToolException.class)
        .hasMessage("Fetching " + url + " failed: could not connect (ConnectException)");
  }

  @Test
  void checksItsArguments() {
    assertThatThrownBy(() -> tool.call(Json.MAPPER.createObjectNode()))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "Missing argument \"url\": a string such as \"https://example.com/page\", e.g."
                + " {\"url\": \"https://example.com/page\"}.");
    assertThatThrownBy(() -> tool.call(Json.MAPPER.createObjectNode().put("url", 5)))
        .hasMessage(
            "Argument \"url\" must be a string such as \"https://example.com/page\", not a number.");
  }

  @Test
  void describesItselfWithTheAllowedHosts() {
    JsonNode schema = tool.parameters();
    assertThat(tool.name()).isEqualTo("http_get");
    assertThat(tool.description())
        .contains("(the first 1 KiB at most)", "hosts may be fetched: 127.0.0.1.");
    assertThat(schema.get("type").asText()).isEqualTo("object");
    assertThat(schema.at("/properties/url/type").asText()).isEqualTo("string");
    assertThat(schema.at("/required/0").asText()).isEqualTo("url");
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
  }
}
