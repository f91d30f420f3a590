package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ByteSink;
import dev.sluice.openai.ChunkEncoder;
import dev.sluice.openai.ErrorBody;
import dev.sluice.openai.StreamEvent;

/**
 * Streams a response as OpenAI does: {@code data: <chunk>} events, the usage chunk only when the
 * client asked for it, then {@code data: [DONE]}. A failure mid-stream becomes {@code data:
 * {"error": {...}}} (which the OpenAI SDKs raise) and the stream ends without {@code [DONE]}.
 */
public final class SseChunkSink implements ChunkSink {
  private final ChunkEncoder encoder;
  private final SseWriter writer;
  private final SluiceMetrics metrics;
  private final boolean includeUsage;

  public SseChunkSink(
      ChunkEncoder encoder, SseWriter writer, SluiceMetrics metrics, boolean includeUsage) {
    this.encoder = encoder;
    this.writer = writer;
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
    writer.done();
  }

  @Override
  public void fail(SluiceException error) throws ClientGoneException {
    byte[] body = ErrorBody.of(error);
    writer.data(body, 0, body.length);
  }

  private void send(ByteSink chunk) throws ClientGoneException {
    writer.data(chunk.array(), 0, chunk.length());
    metrics.chunkSent();
  }
}
