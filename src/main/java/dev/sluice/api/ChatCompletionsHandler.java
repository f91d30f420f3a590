package dev.sluice.api;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.SluiceException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.ChatRequestParser;
import dev.sluice.openai.ChunkEncoder;
import dev.sluice.provider.FailoverOpener;
import dev.sluice.provider.ModelRoute;
import dev.sluice.provider.ModelRouter;
import dev.sluice.provider.UpstreamPump;
import dev.sluice.stream.Chunking;
import dev.sluice.stream.CompletionCollector;
import dev.sluice.stream.SseChunkSink;
import dev.sluice.stream.SseWriter;
import dev.sluice.stream.StreamPipeline;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
  private final ModelRouter router;
  private final FailoverOpener opener;
  private final StreamPipeline pipeline;
  private final SluiceMetrics metrics;
  private final long maxBodyBytes;

  ChatCompletionsHandler(
      ModelRouter router,
      FailoverOpener opener,
      StreamPipeline pipeline,
      SluiceMetrics metrics,
      long maxBodyBytes) {
    this.router = router;
    this.opener = opener;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  void handle(Context ctx) throws Exception {
    long start = System.nanoTime();
    ChatRequest request;
    ModelRoute route;
    Chunking chunking;
    try {
      request = parser.parse(RequestBodies.read(ctx, maxBodyBytes));
      route = router.route(request.model());
      StreamOptions.checkKeys(request);
      chunking =
          StreamOptions.chunking(
              request, route.config(), ctx.header(StreamOptions.CHUNKING_HEADER));
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
    try (UpstreamPump pump = opened.events()) {
      if (request.stream()) {
        stream(ctx, request, pump, chunking, start);
      } else {
        collect(ctx, request, pump, chunking, start);
      }
    }
  }

  private void stream(
      Context ctx, ChatRequest request, UpstreamPump upstream, Chunking chunking, long start)
      throws IOException, InterruptedException {
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    ChunkEncoder encoder =
        new ChunkEncoder(
            RequestIds.completionId(), epochSeconds(), request.model(), request.includeUsage());
    String outcome = "client_gone";
    metrics.streamOpened();
    try (SseWriter writer = new SseWriter(res.getOutputStream())) {
      StreamPipeline.Outcome result =
          pipeline.run(
              request,
              RequestIds.of(ctx),
              upstream,
              new SseChunkSink(encoder, writer, metrics, request.includeUsage()),
              chunking,
              start);
      outcome = result == StreamPipeline.Outcome.COMPLETED ? "completed" : "error";
    } catch (ClientGoneException e) {
      log.debug("request {}: client went away; upstream cancelled", RequestIds.of(ctx));
    } finally {
      metrics.streamClosed(request.model(), outcome);
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
