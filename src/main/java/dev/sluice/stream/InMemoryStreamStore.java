package dev.sluice.stream;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stream logs in this process's memory: resumable ones are kept for {@code retention} after they
 * end, then forgotten; others are never registered. Thread-safe. For several instances behind one
 * load balancer, a shared store (Redis) is needed instead.
 */
public final class InMemoryStreamStore implements StreamStore {
  private final Duration retention;
  private final long budgetBytes;
  private final ConcurrentHashMap<String, StreamLog> resumable = new ConcurrentHashMap<>();
  private final ScheduledExecutorService expiry =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("sluice-stream-expiry").unstarted(r));

  /**
   * @param retention how long a resumable stream stays findable after it ends
   * @param budgetBytes the most bytes of frames one stream keeps
   */
  public InMemoryStreamStore(Duration retention, long budgetBytes) {
    this.retention = retention;
    this.budgetBytes = budgetBytes;
  }

  @Override
  public StreamLog create(String streamId, boolean keep) {
    if (!keep) {
      return new InMemoryStreamLog(streamId, false, budgetBytes, () -> {});
    }
    StreamLog log =
        new InMemoryStreamLog(
            streamId,
            true,
            budgetBytes,
            () ->
                expiry.schedule(
                    () -> resumable.remove(streamId), retention.toMillis(), TimeUnit.MILLISECONDS));
    resumable.put(streamId, log);
    return log;
  }

  @Override
  public Optional<StreamLog> find(String streamId) {
    return Optional.ofNullable(resumable.get(streamId));
  }

  /** How many resumable streams are kept now. */
  public int size() {
    return resumable.size();
  }

  @Override
  public void close() {
    expiry.shutdownNow();
    resumable.clear();
  }
}
