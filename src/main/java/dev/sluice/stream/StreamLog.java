package dev.sluice.stream;

import java.util.List;

/**
 * The SSE frames of one stream, in order, with consecutive ids from 0: written by the stream's
 * producer (the pipeline), read by any number of consumers (the client that started it, and clients
 * resuming it). The producer never waits for a consumer: a slow or absent client cannot hold the
 * model back, and memory is bounded by a byte budget.
 *
 * <p>Implementations are thread-safe: one producer thread appends while consumer threads read. No
 * lock is held across I/O. A Redis-backed implementation can share streams between instances.
 */
public interface StreamLog {

  /** The stream's id: the completion id its chunks carry. */
  String id();

  /** Whether the frames are kept for clients that come back ({@code sluice.resumable}). */
  boolean resumable();

  /**
   * Appends the frame with the next id. Returns false when the budget is exceeded by frames the
   * live client has not read yet and the stream is not resumable: that client has stalled, and the
   * producer should stop (which cancels the upstream).
   */
  boolean append(byte[] frame);

  /** The id the next frame will have. */
  long nextId();

  /** No more frames will come. Idempotent. */
  void complete();

  /**
   * The frames after {@code afterId} ({@code -1} for all), waiting at most {@code timeoutNanos} for
   * the first; an empty slice when the wait timed out.
   *
   * @throws EventsExpiredException when frames after {@code afterId} were already dropped
   */
  Slice read(long afterId, long timeoutNanos) throws InterruptedException;

  /**
   * Frames read from the log.
   *
   * @param lastId the id of the last frame returned (or the {@code afterId} asked for)
   * @param ended true when the log is complete and nothing follows these frames
   */
  record Slice(List<byte[]> frames, long lastId, boolean ended) {}
}
