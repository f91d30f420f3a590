package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.TokenCounter;
import dev.sluice.provider.UpstreamPump;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every response takes from a provider to a client: pulls events from the {@link
 * UpstreamStream}, groups text into coherent chunks ({@link ChunkCoalescer}: never empty, never
 * half a character, words whole unless the model stalls), records time to first token, always ends
 * with a finish and a usage event (counted when the upstream sent none), and hands the result to a
 * {@link ChunkSink}.
 *
 * <p>Runs on the calling virtual thread; the {@link UpstreamPump} reads the upstream on another, so
 * that held text can be released at its deadline while the upstream is silent. A {@link
 * ClientGoneException} from the sink propagates; the caller owns the pump and closes it (which
 * cancels the upstream) as soon as {@link #run} returns or throws. Thread-safe: all per-stream
 * state lives in {@link #run}.
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
   * Relays the events of {@code upstream} to {@code sink} until the end or a failure.
   *
   * @param chunking how text is grouped into chunks
   * @param startNanos when the request arrived, for time to first token
   */
  public Outcome run(
      ChatRequest request,
      String requestId,
      UpstreamPump upstream,
      ChunkSink sink,
      Chunking chunking,
      long startNanos)
      throws ClientGoneException, InterruptedException {
    Run run = new Run(request, sink, chunking, startNanos);
    sink.start();
    try {
      while (true) {
        long deadline = run.coalescer.deadlineNanos();
        long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        StreamEvent event = upstream.poll(wait);
        if (event != null) {
          run.handle(event);
        } else if (upstream.ended()) {
          break;
        } else {
          run.send(run.coalescer.releaseIfDue(System.nanoTime()));
        }
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
    private final ChunkCoalescer coalescer;
    private final StringBuilder produced = new StringBuilder();
    private StreamEvent.Usage usage;
    private boolean firstTokenSeen;
    private boolean finished;

    Run(ChatRequest request, ChunkSink sink, Chunking chunking, long startNanos) {
      this.request = request;
      this.sink = sink;
      this.coalescer = new ChunkCoalescer(chunking.policy(), chunking.maxDelayNanos());
      this.startNanos = startNanos;
    }

    void handle(StreamEvent event) throws ClientGoneException {
      switch (event) {
        case StreamEvent.Text text -> send(coalescer.offer(text.text(), System.nanoTime()));
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

    /** Held text goes out before anything that must not overtake it. */
    void releaseHeld() throws ClientGoneException {
      send(coalescer.drain());
    }

    void send(String text) throws ClientGoneException {
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
