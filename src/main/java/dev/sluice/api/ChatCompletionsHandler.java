package dev.sluice.api;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.ChatRequestParser;
import dev.sluice.openai.ChunkEncoder;
import dev.sluice.provider.FailoverOpener;
import dev.sluice.provider.ModelRoute;
import dev.sluice.provider.UpstreamPump;
import dev.sluice.stream.Chunking;
import dev.sluice.stream.CompletionCollector;
import dev.sluice.stream.EventsExpiredException;
import dev.sluice.stream.LogChunkSink;
import dev.sluice.stream.SseRelay;
import dev.sluice.stream.SseWriter;
import dev.sluice.stream.StreamLog;
import dev.sluice.stream.StreamPipeline;
import dev.sluice.stream.StreamProducer;
import dev.sluice.stream.StreamStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/chat/completions}: validate, route by model, open the provider, then run the
 * pipeline into an SSE stream or a collected {@code chat.completion}.
 *
 * <p>The 200 and the event-stream headers are only sent once the provider has accepted the request,
 * so an upstream's refusal reaches the client with its own status. Each SSE response is written to
 * the raw servlet stream: Javalin's compressing wrapper would hold events back.
 */
final class ChatCompletionsHandler {
  private static final Logger log = LoggerFactory.getLogger(ChatCompletionsHandler.class);

  private final ChatRequestParser parser = new ChatRequestParser();
  private final Function<String, ModelRoute> routes;
  private final FailoverOpener opener;
  private final StreamPipeline pipeline;
  private final StreamStore store;
  private final SseRelay relay;
  private final SluiceMetrics metrics;
  private final long maxBodyBytes;

  ChatCompletionsHandler(
      Function<String, ModelRoute> routes,
      FailoverOpener opener,
      StreamPipeline pipeline,
      StreamStore store,
      SseRelay relay,
      SluiceMetrics metrics,
      long maxBodyBytes) {
    this.routes = routes;
    this.opener = opener;
    this.pipeline = pipeline;
    this.store = store;
    this.relay = relay;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  void handle(Context ctx) throws Exception {
    long start = System.nanoTime();
    ChatRequest request;
    ModelRoute route;
    Chunking chunking;
    boolean resumable;
    try {
      request = parser.parse(RequestBodies.read(ctx, maxBodyBytes));
      route = routes.apply(request.model());
      StreamOptions.checkKeys(request);
      chunking =
          StreamOptions.chunking(
              request, route.config(), ctx.header(StreamOptions.CHUNKING_HEADER));
      resumable = StreamOptions.resumable(request);
    } catch (SluiceException e) {
      metrics.request("-", e.status());
      throw e;
    }
    FailoverOpener.Opened opened;
    try {
      opened = opener.open(request, route);
    } catch (SluiceException e) {
      metrics.request(request.model(), e.status());
      if (e.status() >= 500 || e.status() == 429) {
        metrics.upstreamError(request.model());
      }
      throw e;
    }
    metrics.request(request.model(), 200);
    ctx.header("X-Sluice-Model", opened.servedBy().requested());
    UpstreamPump pump = opened.events();
    if (request.stream()) {
      stream(ctx, request, pump, chunking, resumable, start); // the producer owns the pump
    } else {
      try (pump) {
        collect(ctx, request, pump, chunking, start);
      }
    }
  }

  /**
   * Starts the stream's producer, then relays its log to this client. When the client goes away, a
   * resumable stream goes on for a later resume; any other is cancelled at once.
   */
  private void stream(
      Context ctx,
      ChatRequest request,
      UpstreamPump pump,
      Chunking chunking,
      boolean resumable,
      long start)
      throws IOException, InterruptedException {
    String id = RequestIds.completionId();
    StreamLog events = store.create(id, resumable);
    ChunkEncoder encoder =
        new ChunkEncoder(id, epochSeconds(), request.model(), request.includeUsage());
    StreamProducer producer =
        StreamProducer.start(
            pipeline,
            metrics,
            new StreamProducer.Job(
                request,
                RequestIds.of(ctx),
                pump,
                events,
                new LogChunkSink(encoder, events, metrics, request.includeUsage()),
                chunking,
                start));
    SseResponses.begin(ctx.res());
    try (SseWriter writer = new SseWriter(ctx.res().getOutputStream())) {
      relay.relay(events, -1, writer);
    } catch (ClientGoneException | EventsExpiredException e) {
      if (!resumable) {
        producer.cancel();
      }
      log.debug(
          "request {}: client went away{}",
          RequestIds.of(ctx),
          resumable ? "; the stream goes on for a resume" : "; upstream cancelled");
    } catch (InterruptedException e) {
      producer.cancel();
      throw e;
    }
  }

  private void collect(
      Context ctx, ChatRequest request, UpstreamPump upstream, Chunking chunking, long start)
      throws ClientGoneException, InterruptedException {
    CompletionCollector collector = new CompletionCollector();
    pipeline.run(request, RequestIds.of(ctx), upstream, collector, chunking, start);
    ctx.status(200)
        .contentType("application/json")
        .result(collector.body(RequestIds.completionId(), epochSeconds(), request.model()));
  }

  private static long epochSeconds() {
    return System.currentTimeMillis() / 1000;
  }
}
