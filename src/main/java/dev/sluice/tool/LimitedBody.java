package dev.sluice.tool;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a limit, then stops reading: the rest is never received, and the
 * connection is given up. Used once, for one response; the HttpClient calls it serially.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<LimitedBody.Body> {

  /**
   * @param truncated whether the body went on past {@code bytes}
   */
  record Body(byte[] bytes, boolean truncated) {

    /**
     * The bytes as text, in the charset the content type names if Java knows it, else UTF-8;
     * malformed bytes become U+FFFD. A truncated body may end inside a character: that incomplete
     * tail is dropped rather than shown as a replacement character.
     */
    String text(String contentType) {
      CharsetDecoder decoder =
          charset(contentType)
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE);
      CharBuffer out =
          CharBuffer.allocate((int) Math.ceil(bytes.length * decoder.maxCharsPerByte()) + 16);
      decoder.decode(ByteBuffer.wrap(bytes), out, !truncated);
      if (!truncated) {
        decoder.flush(out);
      }
      return out.flip().toString();
    }

    private static Charset charset(String contentType) {
      if (contentType != null) {
        for (String parameter : contentType.split(";")) {
          String[] pair = parameter.strip().split("=", 2);
          if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
            try {
              return Charset.forName(pair[1].strip().replace("\"", ""));
            } catch (IllegalArgumentException unknown) {
              break;
            }
          }
        }
      }
      return StandardCharsets.UTF_8;
    }
  }

  private final int limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<Body> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  LimitedBody(int limit) {
    this.limit = limit;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      int room = limit - bytes.size();
      if (buffer.remaining() > room) {
        byte[] part = new byte[room];
        buffer.get(part);
        bytes.writeBytes(part);
        // Past the limit: stop the transfer rather than read and drop the rest.
        subscription.cancel();
        result.complete(new Body(bytes.toByteArray(), true));
        return;
      }
      byte[] all = new byte[buffer.remaining()];
      buffer.get(all);
      bytes.writeBytes(all);
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(new Body(bytes.toByteArray(), false));
  }

  @Override
  public CompletionStage<Body> getBody() {
    return result;
  }
}
