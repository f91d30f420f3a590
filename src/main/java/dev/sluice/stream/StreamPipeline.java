package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.TokenCounter;
import dev.sluice.provider.UpstreamStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every response takes from a provider to a client: pulls events from the {@link
 * UpstreamStream}, drops empty text, keeps characters whole, records time to first token, always
 * ends with a finish and a usage event (counted when the upstream sent none), and hands the result
 * to a {@link ChunkSink}.
 *
 * <p>Runs on the request's virtual thread and blocks on the upstream. A {@link ClientGoneException}
 * from the sink propagates, and the caller's try-with-resources on the upstream cancels it.
 * Thread-safe: all per-stream state lives in {@link #run}.
 */
public final class StreamPipeline {
  private static final Logger log = LoggerFactory.getLogger(StreamPipeline.class);

  private final SluiceMetrics metrics;
  private final TokenCounter tokens;

  public StreamPipeline(SluiceMetrics metrics, TokenCounter tokens) {
    this.metrics = metrics;
    this.tokens = tokens;
  }

  /** How a run ended. */
  public enum Outcome {
    COMPLETED,
    ERROR
  }

  /**
   * Relays {@code upstream} to {@code sink} until the end or a failure.
   *
   * @param startNanos when the request arrived, for time to first token
   */
  public Outcome run(
      ChatRequest request,
      String requestId,
      UpstreamStream upstream,
      ChunkSink sink,
      long startNanos)
      throws ClientGoneException, InterruptedException {
    Run run = new Run(request, sink, startNanos);
    sink.start();
    try {
      for (StreamEvent event; (event = upstream.next()) != null; ) {
        run.handle(event);
      }
      run.finish();
      return Outcome.COMPLETED;
    } catch (SluiceException e) {
      metrics.upstreamError(request.model());
      log.warn(
          "request {}: stream for model {} failed: {}", requestId, request.model(), e.getMessage());
      run.releaseHeld();
      sink.fail(e);
      return Outcome.ERROR;
    }
  }

  /** The state of one stream. */
  private final class Run {
    private final ChatRequest request;
    private final ChunkSink sink;
    private final long startNanos;
    private final TextHold hold = new TextHold();
    private final StringBuilder produced = new StringBuilder();
    private StreamEvent.Usage usage;
    private boolean firstTokenSeen;
    private boolean finished;

    Run(ChatRequest request, ChunkSink sink, long startNanos) {
      this.request = request;
      this.sink = sink;
      this.startNanos = startNanos;
    }

    void handle(StreamEvent event) throws ClientGoneException {
      switch (event) {
        case StreamEvent.Text text -> {
          if (!text.text().isEmpty()) {
            sendText(hold.add(text.text()));
          }
        }
        case StreamEvent.ToolCall call -> {
          releaseHeld();
          firstToken();
          if (call.arguments() != null) {
            produced.append(call.arguments());
          }
          sink.accept(call);
        }
        case StreamEvent.Finish finish -> {
          releaseHeld();
          if (!finished) {
            finished = true;
            sink.accept(finish);
          }
        }
        case StreamEvent.Usage u -> usage = u; // OpenAI sends usage last; so do we.
      }
    }

    void finish() throws ClientGoneException {
      releaseHeld();
      if (!finished) {
        sink.accept(new StreamEvent.Finish("stop"));
      }
      sink.accept(usage != null ? usage : countedUsage());
      sink.end();
    }

    void releaseHeld() throws ClientGoneException {
      sendText(hold.drain());
    }

    private void sendText(String text) throws ClientGoneException {
      if (text.isEmpty()) {
        return;
      }
      firstToken();
      produced.append(text);
      sink.accept(new StreamEvent.Text(text));
    }

    private void firstToken() {
      if (!firstTokenSeen) {
        firstTokenSeen = true;
        metrics.timeToFirstToken(request.model(), Duration.ofNanos(System.nanoTime() - startNanos));
      }
    }

    private StreamEvent.Usage countedUsage() {
      return new StreamEvent.Usage(
          tokens.countPrompt(request.messages()), tokens.count(produced.toString()));
    }
  }
}
