package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.provider.UpstreamPump;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stream's pipeline on its own virtual thread, from the upstream into the stream's {@link
 * StreamLog}, independently of any client: a resumable stream goes on while its client is away. The
 * producer owns the {@link UpstreamPump} and closes it (cancelling the upstream) when it ends,
 * however it ends; {@link #cancel()} ends it early. The log is always completed.
 */
public final class StreamProducer {
  private static final Logger log = LoggerFactory.getLogger(StreamProducer.class);

  private final UpstreamPump upstream;
  private final Thread thread;

  private StreamProducer(UpstreamPump upstream, Runnable body) {
    this.upstream = upstream;
    this.thread = Thread.ofVirtual().name("sluice-stream").unstarted(body);
  }

  /** Starts relaying {@code upstream} into {@code events} through {@code pipeline}. */
  public static StreamProducer start(
      StreamPipeline pipeline,
      ChatRequest request,
      String requestId,
      UpstreamPump upstream,
      StreamLog events,
      LogChunkSink sink,
      Chunking chunking,
      long startNanos,
      SluiceMetrics metrics) {
    metrics.streamOpened();
    StreamProducer producer =
        new StreamProducer(
            upstream,
            () -> {
              String outcome = "client_gone";
              try (upstream) {
                StreamPipeline.Outcome result =
                    pipeline.run(request, requestId, upstream, sink, chunking, startNanos);
                outcome = result == StreamPipeline.Outcome.COMPLETED ? "completed" : "error";
              } catch (ClientGoneException e) {
                log.info(
                    "request {}: client stalled; stream dropped, upstream cancelled", requestId);
              } catch (InterruptedException e) {
                log.debug("request {}: stream cancelled", requestId);
              } catch (RuntimeException e) {
                outcome = "error";
                log.error("request {}: stream failed unexpectedly", requestId, e);
              } finally {
                events.complete();
                metrics.streamClosed(request.model(), outcome);
              }
            });
    producer.thread.start();
    return producer;
  }

  /** Stops the stream now: the upstream is closed (cancelled) and the log completed. */
  public void cancel() {
    // Interrupt first: a closed upstream ends like a finished one (next() returns null), so a
    // producer that saw that end before its interrupt would finish the stream as completed, with
    // usage counted and [DONE], for nobody. Interrupted, its next wait throws instead.
    thread.interrupt();
    upstream.close();
  }

  /** Waits for the producer to finish (tests and shutdown). */
  public void join() throws InterruptedException {
    thread.join();
  }
}
