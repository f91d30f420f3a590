package dev.sluice.provider;

import dev.sluice.error.UpstreamException;
import dev.sluice.openai.ChunkDecoder;
import dev.sluice.openai.StreamEvent;
import dev.sluice.stream.SseEvent;
import dev.sluice.stream.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * An upstream's SSE body read incrementally: bytes are decoded by a streaming UTF-8 decoder (so a
 * character cut between two network reads is joined, never replaced), fed to the {@link SseParser},
 * and each {@code data:} payload decoded into events.
 *
 * <p>{@link #close()} closes the response body, which makes java.net.http cancel the request and
 * drop the connection; a reader blocked in {@link #next()} then sees the end.
 */
final class OpenAiStream implements UpstreamStream {
  private final InputStream body;
  private final Reader reader;
  private final char[] buffer = new char[8192];
  private final ArrayDeque<StreamEvent> pending = new ArrayDeque<>();
  private final SseParser parser = new SseParser(this::onEvent);
  private volatile boolean closed;
  private boolean done;
  private boolean finished;
  private UpstreamException failure;

  OpenAiStream(InputStream body) {
    this.body = body;
    this.reader = new InputStreamReader(body, StandardCharsets.UTF_8);
  }

  @Override
  public StreamEvent next() {
    if (closed) {
      return null; // Events already read but not yet taken are dropped with the stream.
    }
    while (pending.isEmpty()) {
      if (failure != null) {
        UpstreamException f = failure;
        failure = null;
        throw f;
      }
      if (done || closed) {
        return null;
      }
      int n;
      try {
        n = reader.read(buffer);
      } catch (IOException e) {
        if (closed) {
          return null;
        }
        throw new UpstreamException(
            502, "The upstream connection broke mid-stream: " + e.getMessage(), e);
      }
      if (n < 0) {
        done = true;
        if (!finished) {
          throw new UpstreamException(
              502, "The upstream closed the stream before it finished.", null);
        }
      } else {
        parser.feed(CharBuffer.wrap(buffer, 0, n));
      }
    }
    return pending.poll();
  }

  private void onEvent(SseEvent event) {
    if (done) {
      return;
    }
    if (event.data().equals("[DONE]")) {
      done = true;
      return;
    }
    try {
      ChunkDecoder.decode(
          event.data(),
          e -> {
            finished |= e instanceof StreamEvent.Finish;
            pending.add(e);
          });
    } catch (UpstreamException e) {
      // Thrown once the events that came before it in the same read have been taken.
      failure = e;
      done = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      body.close();
    } catch (IOException ignored) {
      // Closing is the cancellation; a failure to close cleanly changes nothing.
    }
  }
}
