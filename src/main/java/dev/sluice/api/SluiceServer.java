package dev.sluice.api;

import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StreamsConfig;
import dev.sluice.error.SluiceException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.TokenCounter;
import dev.sluice.provider.FailoverOpener;
import dev.sluice.provider.ModelRoute;
import dev.sluice.provider.ModelRouter;
import dev.sluice.stream.InMemoryStreamStore;
import dev.sluice.stream.SseRelay;
import dev.sluice.stream.StreamPipeline;
import dev.sluice.stream.StreamStore;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.HttpResponseException;
import java.net.URI;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sluice HTTP server: Javalin on Jetty 12, every request on its own virtual thread.
 *
 * <p>Routes: {@code POST /v1/chat/completions}, {@code GET /v1/models[/{id}]}, {@code GET /health},
 * {@code GET /ready}, {@code GET /metrics}, the agent routes, and the web playground at {@code GET
 * /} (see {@link PlaygroundHandler}). Every error, including unknown paths (404) and wrong methods
 * (405), is answered in OpenAI's error shape.
 */
public final class SluiceServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SluiceServer.class);

  private final Javalin app;
  private final ModelRouter router;
  private final StreamStore store;
  private final AgentLayer agents;
  private final SluiceMetrics metrics;

  private SluiceServer(
      Javalin app,
      ModelRouter router,
      StreamStore store,
      AgentLayer agents,
      SluiceMetrics metrics) {
    this.app = app;
    this.router = router;
    this.store = store;
    this.agents = agents;
    this.metrics = metrics;
  }

  /** Starts a server for {@code config} with the providers it names. */
  public static SluiceServer start(SluiceConfig config) {
    TokenCounter tokens = new TokenCounter();
    return start(config, new ModelRouter(config.models(), tokens), tokens);
  }

  /** Starts a server routing through {@code router}; the server closes it when it stops. */
  public static SluiceServer start(SluiceConfig config, ModelRouter router, TokenCounter tokens) {
    // Loading the tokenizer takes about a second of CPU: do it now, not in the first request.
    Thread.ofVirtual().name("sluice-tokenizer-warmup").start(() -> tokens.count("warm up"));
    SluiceMetrics metrics = new SluiceMetrics();
    StreamPipeline pipeline = new StreamPipeline(metrics, tokens);
    StreamStore store =
        new InMemoryStreamStore(config.streams().resumeRetention(), config.streams().bufferBytes());
    SseRelay relay = new SseRelay(config.streams().heartbeat());
    FailoverOpener opener = new FailoverOpener(router, metrics);
    AgentLayer agents = AgentLayer.start(config.agents(), router, opener, pipeline);
    ChatCompletionsHandler chat =
        new ChatCompletionsHandler(
            model -> {
              ModelRoute agent = agents.route(model);
              return agent != null ? agent : router.route(model);
            },
            opener,
            pipeline,
            store,
            relay,
            metrics,
            config.server().maxBodyBytes());
    ResumeHandler resume = new ResumeHandler(store, relay, "id");
    ModelsHandler models = new ModelsHandler(router, agents);
    ReadinessCheck readiness = new ReadinessCheck(router.models());
    String apiKey = config.server().apiKey();
    ApiKeyCheck keyCheck = apiKey == null ? null : new ApiKeyCheck(apiKey);
    PlaygroundHandler playground = new PlaygroundHandler();

    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.concurrency.useVirtualThreads = true;
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.jetty.addConnector(
                  (server, http) -> connector(server, http, config.server(), config.streams()));
              cfg.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
              // SSE must not be compressed: a gzip stream holds events back (STACK.md).
              cfg.http.compressionStrategy = CompressionStrategy.NONE;
              cfg.http.prefer405over404 = true;
              cfg.http.maxRequestSize = config.server().maxBodyBytes();
              cfg.requestLogger.http(
                  (ctx, ms) -> {
                    if (ctx.statusCode() >= 400) {
                      log.info(
                          "{} {} -> {} in {} ms ({})",
                          ctx.method(),
                          ctx.path(),
                          ctx.statusCode(),
                          Math.round(ms),
                          RequestIds.of(ctx));
                    }
                  });
              cfg.routes.before(RequestIds::assign);
              if (keyCheck != null) {
                cfg.routes.before("/v1/*", keyCheck::check);
              }
              cfg.routes.post("/v1/chat/completions", chat::handle);
              cfg.routes.get("/v1/chat/completions/{id}/stream", resume::handle);
              cfg.routes.get("/v1/models", models::list);
              cfg.routes.get("/v1/models/{id}", models::get);
              cfg.routes.get("/health", ctx -> ctx.json(java.util.Map.of("status", "ok")));
              cfg.routes.get("/", playground::page);
              cfg.routes.get("/playground/{file}", playground::asset);
              agents.routes(cfg.routes, store, relay);
              // Agno's Agent UI and other browser apps call from their own origin.
              cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> rule.anyHost()));
              cfg.routes.get("/ready", readiness::handle);
              cfg.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(metrics.scrape()));
              cfg.routes.exception(SluiceException.class, (e, ctx) -> ErrorResponses.write(ctx, e));
              cfg.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> ErrorResponses.status(ctx, e.getStatus(), e.getMessage()));
              cfg.routes.exception(Exception.class, (e, ctx) -> ErrorResponses.unexpected(ctx, e));
              cfg.routes.error(404, ctx -> ErrorResponses.status(ctx, 404, null));
              cfg.routes.error(405, ctx -> ErrorResponses.status(ctx, 405, null));
            });
    app.start();
    log.info(
        "Sluice listening on http://{}:{} with models {}",
        config.server().host(),
        app.port(),
        router.models().stream().map(m -> m.name()).toList());
    return new SluiceServer(app, router, store, agents, metrics);
  }

  /**
   * The one listening connector. Its accept queue is deep (the kernel caps it at {@code somaxconn})
   * because thousands of clients may connect within a second: Java's default of 50 made SYNs drop
   * and connects retry for seconds in the 10,000-stream benchmark.
   */
  private static ServerConnector connector(
      Server server, HttpConfiguration http, ServerConfig settings, StreamsConfig streams) {
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    // A write to a client that does not read blocks at most this long; then the client is dropped.
    connector.setIdleTimeout(streams.clientStall().toMillis());
    return connector;
  }

  private static final int ACCEPT_QUEUE = 16_384;

  public int port() {
    return app.port();
  }

  /** The server's base URL for OpenAI clients: {@code http://127.0.0.1:<port>/v1}. */
  public URI openAiBaseUrl() {
    return URI.create("http://127.0.0.1:" + port() + "/v1");
  }

  public SluiceMetrics metrics() {
    return metrics;
  }

  /**
   * Tests: fixes the kernel send buffer (SO_SNDBUF) of connections accepted from now on. Over
   * loopback, with its 64 KiB segments, Linux starts each connection with a send buffer of about 2
   * MiB, which would hide a stalled client from the server's own buffers for a long time.
   */
  void fixSocketSendBuffer(int bytes) {
    for (Connector connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof ServerConnector c) {
        c.setAcceptedSendBufferSize(bytes);
      }
    }
  }

  @Override
  public void close() {
    app.stop();
    router.close();
    store.close();
    agents.close();
  }
}
