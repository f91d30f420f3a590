package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import java.time.Duration;

/**
 * Copies a {@link StreamLog} to one client as it grows: the frames after a given id, then each new
 * frame as soon as it is appended, until the log ends. When nothing arrives for the heartbeat
 * interval it sends {@code : keep-alive}, so that proxies keep the connection and a client that has
 * gone is noticed even while the model is silent.
 */
public final class SseRelay {
  private final Duration heartbeat;

  public SseRelay(Duration heartbeat) {
    this.heartbeat = heartbeat;
  }

  /**
   * Relays the frames after {@code afterId} ({@code -1}: all) until the log ends.
   *
   * @throws ClientGoneException when a write fails: the client is gone
   * @throws EventsExpiredException when the frames after {@code afterId} were already dropped
   */
  public void relay(StreamLog log, long afterId, SseWriter writer)
      throws ClientGoneException, InterruptedException {
    long last = afterId;
    while (true) {
      StreamLog.Slice slice = log.read(last, heartbeat.toNanos());
      if (!slice.frames().isEmpty()) {
        writer.frames(slice.frames());
        last = slice.lastId();
      } else if (!slice.ended()) {
        writer.keepAlive();
      }
      if (slice.ended()) {
        return;
      }
    }
  }
}
