package dev.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.ChatRequestParser;
import dev.sluice.openai.ChunkEncoder;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.TokenCounter;
import dev.sluice.provider.UpstreamPump;
import dev.sluice.provider.UpstreamStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link StreamProducer#cancel()}: a cancelled stream ends as cancelled, never as completed. */
@Timeout(10)
class StreamProducerTest {

  /**
   * Sends one text, then waits. As {@link UpstreamStream} requires, {@link #close()} makes a
   * waiting {@link #next()} return null, exactly what a normal end looks like. Its first close then
   * holds the closing thread until the pipeline has had every chance to take that end for a normal
   * one: a thread descheduled between closing the upstream and anything that comes after.
   */
  private static final class EndsWhenClosed implements UpstreamStream {
    final CountDownLatch closed = new CountDownLatch(1);
    final CountDownLatch pipelineFinished = new CountDownLatch(1);
    private final AtomicBoolean firstClose = new AtomicBoolean(true);
    private boolean sentText;

    @Override
    public StreamEvent next() throws InterruptedException {
      if (!sentText) {
        sentText = true;
        return new StreamEvent.Text("Hello ");
      }
      closed.await();
      return null;
    }

    @Override
    public void close() {
      closed.countDown();
      if (firstClose.getAndSet(false)) {
        try {
          pipelineFinished.await(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Test
  void aCancelledStreamIsNotFinishedAsIfTheUpstreamHadEnded() throws Exception {
    SluiceMetrics metrics = new SluiceMetrics();
    EndsWhenClosed upstream = new EndsWhenClosed();
    InMemoryStreamLog log = new InMemoryStreamLog("chatcmpl-test", false, 1 << 20, () -> {});
    StreamLog events =
        new ForwardingLog(log) {
          @Override
          public boolean append(byte[] frame) {
            if (new String(frame, StandardCharsets.UTF_8).contains("\"finish_reason\":\"stop\"")) {
              upstream.pipelineFinished.countDown();
            }
            return super.append(frame);
          }
        };
    ChatRequest request =
        new ChatRequestParser()
            .parse(
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
    StreamProducer producer =
        StreamProducer.start(
            new StreamPipeline(metrics, new TokenCounter()),
            metrics,
            new StreamProducer.Job(
                request,
                "req-test",
                new UpstreamPump(upstream),
                events,
                new LogChunkSink(
                    new ChunkEncoder("chatcmpl-test", 1, "m", false), events, metrics, false),
                new Chunking(ChunkingPolicy.RAW, java.time.Duration.ZERO),
                System.nanoTime()));
    // The producer has sent the text and waits for the upstream: the client leaves now.
    await().atMost(java.time.Duration.ofSeconds(5)).until(() -> log.nextId() >= 2);

    producer.cancel();
    producer.join();

    assertThat(upstream.pipelineFinished.getCount())
        .as("the pipeline did not finish the stream after the cancel")
        .isEqualTo(1);
    assertThat(
            metrics
                .registry()
                .counter("sluice.streams", "model", "m", "outcome", "completed")
                .count())
        .isZero();
    assertThat(
            metrics
                .registry()
                .counter("sluice.streams", "model", "m", "outcome", "client_gone")
                .count())
        .isEqualTo(1);
    assertThat(metrics.activeStreams()).isZero();
  }

  /** A {@link StreamLog} that delegates everything, for tests to override one method. */
  private static class ForwardingLog implements StreamLog {
    private final StreamLog delegate;

    ForwardingLog(StreamLog delegate) {
      this.delegate = delegate;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public boolean resumable() {
      return delegate.resumable();
    }

    @Override
    public boolean append(byte[] frame) {
      return delegate.append(frame);
    }

    @Override
    public long nextId() {
      return delegate.nextId();
    }

    @Override
    public void complete() {
      delegate.complete();
    }

    @Override
    public Slice read(long afterId, long timeoutNanos) throws InterruptedException {
      return delegate.read(afterId, timeoutNanos);
    }
  }
}
