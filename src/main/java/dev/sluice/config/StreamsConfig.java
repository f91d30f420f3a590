package dev.sluice.config;

import java.time.Duration;

/**
 * The {@code streams:} section: how streams survive silences, slow clients and reconnects.
 *
 * @param heartbeat idle time after which {@code : keep-alive} is sent
 * @param resumeRetention how long a resumable stream can be resumed after it ends
 * @param bufferBytes the most bytes of events one stream keeps (unread ones for a live client, all
 *     of them for a resumable stream); a live, non-resumable client that falls this far behind is
 *     dropped and its upstream cancelled
 * @param clientStall how long a write to a client that does not read may block before the client is
 *     dropped
 */
public record StreamsConfig(
    Duration heartbeat, Duration resumeRetention, long bufferBytes, Duration clientStall) {

  public static StreamsConfig defaults() {
    return new StreamsConfig(
        Duration.ofSeconds(15), Duration.ofMinutes(5), 512 * 1024, Duration.ofSeconds(30));
  }
}
