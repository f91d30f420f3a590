package dev.sluice.api;

import dev.sluice.error.SluiceException;
import dev.sluice.openai.ErrorBody;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become responses: OpenAI's error JSON with the exception's status. An
 * unexpected exception is logged with the request id and answered with a generic 500 that names the
 * id, never a stack trace.
 */
final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  static void write(Context ctx, SluiceException e) {
    write(ctx, e.status(), ErrorBody.of(e));
  }

  static void write(Context ctx, int status, String message, String type, String code) {
    write(ctx, status, ErrorBody.of(message, type, null, code));
  }

  /**
   * A status Javalin itself decided: an unknown path (404), a wrong method (405), or a limit it
   * enforces. A response that already has a body (such as a model_not_found) is left alone.
   */
  static void status(Context ctx, int status, String message) {
    if (ctx.result() != null && status == ctx.statusCode()) {
      return;
    }
    String where = ctx.method() + " " + ctx.path();
    switch (status) {
      case 404 ->
          write(
              ctx,
              404,
              "Invalid URL ("
                  + where
                  + "). Sluice serves POST"
                  + " /v1/chat/completions, GET /v1/models, /health, /ready and /metrics.",
              "invalid_request_error",
              "unknown_url");
      case 405 ->
          write(
              ctx,
              405,
              "Method " + ctx.method() + " is not allowed on " + ctx.path() + ".",
              "invalid_request_error",
              "method_not_allowed");
      case 413 ->
          write(
              ctx, 413, "Request body is too large.", "invalid_request_error", "request_too_large");
      default ->
          write(
              ctx,
              status,
              message == null ? "HTTP " + status : message,
              status >= 500 ? "server_error" : "invalid_request_error",
              null);
    }
  }

  static void unexpected(Context ctx, Exception e) {
    String requestId = RequestIds.of(ctx);
    log.error("request {}: unexpected error on {} {}", requestId, ctx.method(), ctx.path(), e);
    write(
        ctx,
        500,
        "The server had an error while processing your request. Quote request id "
            + requestId
            + " when reporting it.",
        "server_error",
        null);
  }

  private static void write(Context ctx, int status, byte[] body) {
    if (ctx.res().isCommitted()) {
      return; // Mid-stream: the pipeline reports errors in-stream; nothing more can be sent.
    }
    ctx.status(status).contentType("application/json").result(body);
  }
}
