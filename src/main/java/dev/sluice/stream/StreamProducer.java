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
 * however it ends; {@link #cancel()} ends it early from any thread. The log is always completed,
 * and the stream is counted in the metrics once, with how it ended.
 */
public final class StreamProducer {
  private static final Logger log = LoggerFactory.getLogger(StreamProducer.class);

  /** What one stream needs: the request, its upstream, where its events go and how. */
  public record Job(
      ChatRequest request,
      String requestId,
      UpstreamPump upstream,
      StreamLog events,
      LogChunkSink sink,
      Chunking chunking,
      long startNanos) {}

  private final StreamPipeline pipeline;
  private final SluiceMetrics metrics;
  private final Job job;
  private final Thread thread;
  private volatile boolean cancelled;

  private StreamProducer(StreamPipeline pipeline, SluiceMetrics metrics, Job job) {
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.job = job;
    this.thread = Thread.ofVirtual().name("sluice-stream").unstarted(this::run);
  }

  /** Starts producing {@code job} through {@code pipeline}. */
  public static StreamProducer start(StreamPipeline pipeline, SluiceMetrics metrics, Job job) {
    StreamProducer producer = new StreamProducer(pipeline, metrics, job);
    metrics.streamOpened();
    producer.thread.start();
    return producer;
  }

  private void run() {
    String outcome = "client_gone";
    try (UpstreamPump upstream = job.upstream()) {
      StreamPipeline.Outcome result =
          pipeline.run(
              job.request(),
              job.requestId(),
              upstream,
              job.sink(),
              job.chunking(),
              job.startNanos());
      outcome = result == StreamPipeline.Outcome.COMPLETED ? "completed" : "error";
    } catch (ClientGoneException e) {
      log.info("request {}: client stalled; stream dropped, upstream cancelled", job.requestId());
    } catch (InterruptedException e) {
      log.debug("request {}: stream cancelled", job.requestId());
    } catch (RuntimeException e) {
      outcome = "error";
      log.error("request {}: stream failed unexpectedly", job.requestId(), e);
    } finally {
      job.events().complete();
      // A cancelled upstream can look like a normal end to the pipeline: trust the flag.
      metrics.streamClosed(job.request().model(), cancelled ? "client_gone" : outcome);
    }
  }

  /** Stops the stream now: the upstream is closed (cancelled) and the log completed. */
  public void cancel() {
    cancelled = true;
    // Interrupt first: a closed upstream ends like a finished one (next() returns null), so a
    // producer that saw that end before its interrupt would finish the stream as completed, with
    // usage counted and [DONE], for nobody. Interrupted, its next wait throws instead.
    thread.interrupt();
    job.upstream().close();
  }

  /** Waits until the producer has finished (tests, shutdown). */
  public void join() throws InterruptedException {
    thread.join();
  }
}
