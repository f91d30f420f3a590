package dev.sluice.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sluice's Prometheus metrics, served at {@code GET /metrics}:
 *
 * <ul>
 *   <li>{@code sluice_active_streams}: streams open right now;
 *   <li>{@code sluice_requests_total{model,status}}: chat requests by model and HTTP status;
 *   <li>{@code sluice_streams_total{model,outcome}}: how streams ended (completed, error,
 *       client_gone);
 *   <li>{@code sluice_time_to_first_token_seconds{model}}: histogram;
 *   <li>{@code sluice_chunks_sent_total}: chunks written to clients;
 *   <li>{@code sluice_upstream_errors_total{model}}: upstream failures before or during streams;
 *   <li>{@code sluice_upstream_retries_total{model}}: attempts repeated before the first token;
 *   <li>{@code sluice_fallbacks_total{from,to}}: requests handed to a fallback model ({@code from}
 *       is the model the client asked for).
 * </ul>
 *
 * Thread-safe. The per-chunk counter is a single shared meter, so the hot path does no lookup.
 */
public final class SluiceMetrics {
  private final PrometheusMeterRegistry registry;
  private final AtomicInteger activeStreams = new AtomicInteger();
  private final Counter chunksSent;

  public SluiceMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.gauge("sluice.active.streams", activeStreams);
    chunksSent =
        Counter.builder("sluice.chunks.sent")
            .description("Chunks written to clients")
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  public void streamOpened() {
    activeStreams.incrementAndGet();
  }

  public void streamClosed(String model, String outcome) {
    activeStreams.decrementAndGet();
    registry.counter("sluice.streams", "model", model, "outcome", outcome).increment();
  }

  public int activeStreams() {
    return activeStreams.get();
  }

  public void request(String model, int status) {
    registry
        .counter("sluice.requests", "model", model, "status", Integer.toString(status))
        .increment();
  }

  public void timeToFirstToken(String model, Duration elapsed) {
    Timer.builder("sluice.time.to.first.token")
        .description("Time from request to the first content or tool-call chunk")
        .tag("model", model)
        .publishPercentileHistogram()
        .register(registry)
        .record(elapsed);
  }

  public void chunkSent() {
    chunksSent.increment();
  }

  public void upstreamError(String model) {
    registry.counter("sluice.upstream.errors", "model", model).increment();
  }

  /** One more attempt at {@code model} after a retryable failure before its first token. */
  public void upstreamRetry(String model) {
    registry.counter("sluice.upstream.retries", "model", model).increment();
  }

  /** A request for {@code from} handed to its fallback {@code to}. */
  public void fallback(String from, String to) {
    registry.counter("sluice.fallbacks", "from", from, "to", to).increment();
  }
}
