package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ByteSink;
import dev.sluice.openai.ChunkEncoder;
import dev.sluice.openai.ErrorBody;
import dev.sluice.openai.StreamEvent;
import java.io.IOException;

/**
 * Writes a response into a {@link StreamLog} as OpenAI's SSE events, each with its id: the chunks,
 * the usage chunk only when the client asked for it, then {@code data: [DONE]}. A failure
 * mid-stream becomes {@code data: {"error": {...}}} (which the OpenAI SDKs raise) and the stream
 * ends without {@code [DONE]}.
 *
 * <p>Used by the stream's producer thread only. When the log reports that the live client has
 * stalled past the budget, {@link ClientGoneException} stops the producer.
 */
public final class LogChunkSink implements ChunkSink {
  private final ChunkEncoder encoder;
  private final StreamLog log;
  private final SluiceMetrics metrics;
  private final boolean includeUsage;

  public LogChunkSink(
      ChunkEncoder encoder, StreamLog log, SluiceMetrics metrics, boolean includeUsage) {
    this.encoder = encoder;
    this.log = log;
    this.metrics = metrics;
    this.includeUsage = includeUsage;
  }

  @Override
  public void start() throws ClientGoneException {
    send(encoder.role());
  }

  @Override
  public void accept(StreamEvent event) throws ClientGoneException {
    switch (event) {
      case StreamEvent.Text text -> send(encoder.text(text.text()));
      case StreamEvent.ToolCall call -> send(encoder.toolCall(call));
      case StreamEvent.Finish finish -> send(encoder.finish(finish));
      case StreamEvent.Usage usage -> {
        if (includeUsage) {
          send(encoder.usage(usage));
        }
      }
    }
  }

  @Override
  public void end() throws ClientGoneException {
    append(SseFrame.done(log.nextId()));
    log.complete();
  }

  @Override
  public void fail(SluiceException error) throws ClientGoneException {
    byte[] body = ErrorBody.of(error);
    append(SseFrame.of(log.nextId(), body, 0, body.length));
    log.complete();
  }

  private void send(ByteSink chunk) throws ClientGoneException {
    append(SseFrame.of(log.nextId(), chunk.array(), 0, chunk.length()));
    metrics.chunkSent();
  }

  private void append(byte[] frame) throws ClientGoneException {
    if (!log.append(frame)) {
      throw new ClientGoneException(
          new IOException("the client stopped reading and its stream buffer is full"));
    }
  }
}
