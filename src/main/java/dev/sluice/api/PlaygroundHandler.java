package dev.sluice.api;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web playground: {@code GET /} answers {@code playground/index.html} from the classpath and
 * {@code GET /playground/{file}} its scripts and styles, all from inside the jar.
 *
 * <p>Every answer carries a Content-Security-Policy that allows scripts, styles and connections
 * from this origin only and no inline script: the page renders model output as text, and the policy
 * makes an injected {@code <script>} or {@code onerror=} inert even if rendering had a bug. A file
 * name outside {@code [a-z0-9-]+.(html|js|css|png|svg)}, or one that does not exist, is a 404 in
 * the API's error shape.
 */
final class PlaygroundHandler {
  static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self'",
          "connect-src 'self'",
          "img-src 'self'",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'");

  private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9-]+\\.(html|js|css|png|svg)");
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "png", "image/png",
          "svg", "image/svg+xml");

  void page(Context ctx) throws IOException {
    serve(ctx, "index.html");
  }

  void asset(Context ctx) throws IOException {
    serve(ctx, ctx.pathParam("file"));
  }

  private static void serve(Context ctx, String name) throws IOException {
    Matcher file = FILE_NAME.matcher(name);
    if (!file.matches()) {
      throw new NotFoundResponse();
    }
    byte[] body;
    try (InputStream in = PlaygroundHandler.class.getResourceAsStream("/playground/" + name)) {
      if (in == null) {
        throw new NotFoundResponse();
      }
      body = in.readAllBytes();
    }
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        // Small files, and a new jar may change them: always revalidate.
        .header("Cache-Control", "no-cache")
        .contentType(CONTENT_TYPES.get(file.group(1)))
        .result(body);
  }
}
