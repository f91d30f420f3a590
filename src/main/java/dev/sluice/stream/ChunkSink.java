package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.openai.StreamEvent;

/**
 * Where the pipeline delivers a response: an SSE stream to the client, or a collector that builds
 * one {@code chat.completion}. Called by one thread, in this order: {@link #start()}, any number of
 * {@link #accept}, then either {@link #end()} or {@link #fail}.
 */
public interface ChunkSink {

  /** The response begins (for SSE: the role chunk). */
  void start() throws ClientGoneException;

  /** A text, tool-call, finish or usage event, in order; text is never empty. */
  void accept(StreamEvent event) throws ClientGoneException;

  /** The response completed. */
  void end() throws ClientGoneException;

  /**
   * The generation failed after {@link #start()}. An SSE sink reports it in-stream; a collecting
   * sink rethrows it, since its client has not seen a byte yet.
   */
  void fail(SluiceException error) throws ClientGoneException;
}
