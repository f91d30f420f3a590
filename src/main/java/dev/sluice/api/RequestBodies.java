package dev.sluice.api;

import dev.sluice.error.InvalidRequestException;
import dev.sluice.error.PayloadTooLargeException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body, refusing one over the configured limit without buffering it. */
final class RequestBodies {
  private RequestBodies() {}

  static byte[] read(Context ctx, long limit) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw new PayloadTooLargeException(limit);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        throw new PayloadTooLargeException(limit);
      }
      return body;
    } catch (IOException e) {
      throw new InvalidRequestException(
          null, "The request body could not be read: " + e.getMessage());
    }
  }
}
