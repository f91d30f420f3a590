package dev.sluice.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code http_get} tool: fetches an http or https URL on an allowed host and returns the
 * status, the content type and the body as text.
 *
 * <p>Allowed hosts are exact host names or IP addresses ({@code api.example.com}, {@code
 * 127.0.0.1}, {@code ::1}) and wildcards {@code *.example.com}, which match any subdomain but not
 * {@code example.com} itself; case and a trailing dot are ignored, and any port is allowed. A host
 * not allowed is refused before any connection, on the first URL and on every redirect. Only the
 * name in the URL is checked, not the addresses it resolves to.
 *
 * <p>Limits: the whole call, redirects and body included, must finish within the timeout; at most
 * {@value #MAX_REDIRECTS} redirects are followed, each target checked against the allow-list before
 * it is requested. A body longer than the size limit is <em>truncated</em>, not refused: the model
 * gets the first bytes and a note saying so, which is usually enough to answer from, and reading
 * stops there. The body is decoded as the charset the content type names, or UTF-8, with malformed
 * bytes replaced.
 *
 * <p>Threading: thread-safe; calls share one HttpClient. An interrupted call cancels its request
 * and throws InterruptedException at once. {@link #close} stops the client.
 */
public final class HttpGetTool implements Tool, AutoCloseable {
  public static final String NAME = "http_get";
  public static final int MAX_REDIRECTS = 3;
  public static final long DEFAULT_MAX_BYTES = 64 * 1024;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private static final ObjectNode SCHEMA =
      Args.schema(
          """
          {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "description": "The absolute http or https URL to fetch, e.g. \\"https://example.com/page\\""
              }
            },
            "required": ["url"],
            "additionalProperties": false
          }
          """);

  private final HostAllowList allowed;
  private final int maxBytes;
  private final Duration timeout;
  private final HttpClient client;

  /**
   * @param allowHosts host names, IP addresses and {@code *.example.com} wildcards that may be
   *     fetched; empty allows none
   * @param maxBytes how much of a body is kept, from 1 to {@link ToolSettings#MAX_HTTP_BYTES}
   * @param timeout the limit for a whole call
   * @throws IllegalArgumentException for a bad host entry or limit
   */
  public HttpGetTool(List<String> allowHosts, long maxBytes, Duration timeout) {
    ToolSettings.checkHttpLimits(maxBytes, timeout);
    this.allowed = HostAllowList.of(allowHosts);
    this.maxBytes = (int) maxBytes;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            // Redirects are followed here, so that each target passes the allow-list first.
            .followRedirects(HttpClient.Redirect.NEVER)
            // HTTP/1.1 without an h2c upgrade attempt: one plain exchange per connection to cancel.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Fetches a web page or API response with an HTTP GET and returns its status, content "
        + "type and body as text (the first "
        + (maxBytes % 1024 == 0 ? maxBytes / 1024 + " KiB" : maxBytes + " bytes")
        + " at most). Only these hosts may be fetched: "
        + allowed.describe()
        + ".";
  }

  @Override
  public JsonNode parameters() {
    return SCHEMA.deepCopy(); // callers may not change the shared one
  }

  @Override
  public String call(JsonNode arguments) throws ToolException, InterruptedException {
    ObjectNode args = Args.object(arguments, NAME, List.of("url"));
    String url = Args.requiredString(args, "url", "https://example.com/page");
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new ToolException(
          "Argument \"url\" is not a valid URL ("
              + e.getMessage()
              + "); expected e.g. https://example.com/page");
    }
    checkTarget(uri, null);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int redirects = 0; ; redirects++) {
      HttpResponse<LimitedBody.Body> response = fetch(uri, deadline);
      String location = response.headers().firstValue("Location").orElse(null);
      if (!REDIRECTS.contains(response.statusCode()) || location == null) {
        return render(response, redirects > 0);
      }
      if (redirects == MAX_REDIRECTS) {
        throw new ToolException(
            "Too many redirects: " + url + " still redirects after " + MAX_REDIRECTS + " of them.");
      }
      URI from = uri;
      try {
        uri = from.resolve(new URI(location.strip()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new ToolException(from + " redirected to a malformed location: " + location);
      }
      checkTarget(uri, from);
    }
  }

  /** Refuses, before any connection, a URL that is not http(s) or names a host not allowed. */
  private void checkTarget(URI uri, URI redirectedFrom) throws ToolException {
    String problem = problem(uri);
    if (problem != null) {
      throw new ToolException(
          redirectedFrom == null
              ? Character.toUpperCase(problem.charAt(0)) + problem.substring(1)
              : redirectedFrom + " redirected to " + uri + ", but " + problem);
    }
  }

  private String problem(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "only http and https URLs can be fetched, e.g. https://example.com/page; not "
          + (scheme.isEmpty() ? "\"" + uri + "\"" : scheme + ":");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "the URL " + uri + " has no host name";
    }
    if (uri.getRawUserInfo() != null) {
      return "URLs with a user name or password are not fetched";
    }
    if (!allowed.allows(uri.getHost())) {
      return "the host \""
          + uri.getHost()
          + "\" is not allowed. Allowed hosts: "
          + allowed.describe()
          + ".";
    }
    return null;
  }

  private HttpResponse<LimitedBody.Body> fetch(URI uri, long deadline)
      throws ToolException, InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException(); // before sending anything of a request nobody awaits
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw timedOut(uri);
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .GET()
            .header("User-Agent", "Sluice-http_get/1")
            .timeout(Duration.ofNanos(left))
            .build();
    CompletableFuture<HttpResponse<LimitedBody.Body>> response =
        client.sendAsync(request, info -> new LimitedBody(maxBytes));
    try {
      return response.get(left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      response.cancel(true); // aborts the exchange and closes its connection
      throw e;
    } catch (TimeoutException e) {
      response.cancel(true);
      throw timedOut(uri);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw timedOut(uri);
      }
      throw new ToolException("Fetching " + uri + " failed: " + describe(cause), cause);
    }
  }

  /**
   * E.g. "Connection refused (ConnectException)": the HttpClient leaves many messages to causes.
   */
  private static String describe(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage() + " (" + error.getClass().getSimpleName() + ")";
      }
    }
    // A refused connection comes as a ConnectException with no message anywhere in its causes.
    return error instanceof ConnectException
        ? "could not connect (ConnectException)"
        : error.getClass().getSimpleName();
  }

  private ToolException timedOut(URI uri) {
    return new ToolException(
        "Fetching " + uri + " did not finish within " + timeout.toMillis() + " ms; gave up.");
  }

  private static String render(HttpResponse<LimitedBody.Body> response, boolean redirected) {
    String type = response.headers().firstValue("Content-Type").orElse(null);
    LimitedBody.Body body = response.body();
    StringBuilder text = new StringBuilder();
    text.append("Status: ").append(response.statusCode()).append('\n');
    text.append("Content-Type: ").append(type == null ? "(none)" : type).append('\n');
    if (redirected) {
      text.append("URL after redirects: ").append(response.uri()).append('\n');
    }
    text.append('\n').append(body.text(type));
    if (body.truncated()) {
      text.append("\n\n[Truncated: only the first ")
          .append(body.bytes().length)
          .append(" bytes of the body are shown.]");
    }
    return text.toString();
  }

  /** Stops the HttpClient at once, aborting calls in flight. */
  @Override
  public void close() {
    client.shutdownNow();
  }
}
