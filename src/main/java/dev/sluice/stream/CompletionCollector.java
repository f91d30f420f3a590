package dev.sluice.stream;

import dev.sluice.error.SluiceException;
import dev.sluice.openai.CompletionBody;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.ToolCallAssembler;

/**
 * Collects a whole response for {@code stream: false}: the same pipeline runs, and this sink builds
 * the {@code chat.completion} at the end. A failure is rethrown: the client has not seen a byte
 * yet, so it gets a plain error response with the right status.
 */
public final class CompletionCollector implements ChunkSink {
  private final StringBuilder content = new StringBuilder();
  private final ToolCallAssembler toolCalls = new ToolCallAssembler();
  private String finishReason;
  private StreamEvent.Usage usage;

  @Override
  public void start() {}

  @Override
  public void accept(StreamEvent event) {
    switch (event) {
      case StreamEvent.Text text -> content.append(text.text());
      case StreamEvent.ToolCall call -> toolCalls.add(call);
      case StreamEvent.Finish finish -> finishReason = finish.reason();
      case StreamEvent.Usage u -> usage = u;
    }
  }

  @Override
  public void end() {}

  @Override
  public void fail(SluiceException error) {
    throw error;
  }

  /** The {@code chat.completion} JSON. */
  public byte[] body(String id, long created, String model) {
    String text = content.isEmpty() && !toolCalls.isEmpty() ? null : content.toString();
    return CompletionBody.of(id, created, model, text, toolCalls.calls(), finishReason, usage);
  }
}
