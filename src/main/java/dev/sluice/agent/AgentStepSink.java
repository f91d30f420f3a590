package dev.sluice.agent;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.openai.AssembledToolCall;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.ToolCallAssembler;
import dev.sluice.stream.ChunkSink;
import java.io.IOException;
import java.util.List;

/**
 * Receives one model call of an agent run from the stream pipeline: coherent text becomes {@code
 * RunContent} events as it comes, tool-call fragments are joined, and the finish reason, usage or
 * failure are kept for the run loop. Used by the run's thread only.
 */
final class AgentStepSink implements ChunkSink {
  private final RunEvents events;
  private final StringBuilder text = new StringBuilder();
  private final ToolCallAssembler toolCalls = new ToolCallAssembler();
  private StreamEvent.Usage usage;
  private SluiceException failure;
  private long firstTokenNanos;

  AgentStepSink(RunEvents events) {
    this.events = events;
  }

  @Override
  public void start() {}

  @Override
  public void accept(StreamEvent event) throws ClientGoneException {
    switch (event) {
      case StreamEvent.Text t -> {
        text.append(t.text());
        markFirstToken();
        if (!events.emit(
            "RunContent", e -> e.put("content", t.text()).put("content_type", "str"))) {
          throw new ClientGoneException(new IOException("the run's client stopped reading"));
        }
      }
      case StreamEvent.ToolCall call -> {
        markFirstToken();
        toolCalls.add(call);
      }
      case StreamEvent.Finish finish -> {}
      case StreamEvent.Usage u -> usage = u;
    }
  }

  @Override
  public void end() {}

  @Override
  public void fail(SluiceException error) {
    failure = error;
  }

  String text() {
    return text.toString();
  }

  List<AssembledToolCall> toolCalls() {
    return toolCalls.calls();
  }

  StreamEvent.Usage usage() {
    return usage;
  }

  SluiceException failure() {
    return failure;
  }

  /** When the first text or tool call arrived ({@link System#nanoTime()}), or 0. */
  long firstTokenNanos() {
    return firstTokenNanos;
  }

  private void markFirstToken() {
    if (firstTokenNanos == 0) {
      firstTokenNanos = System.nanoTime();
    }
  }
}
