package dev.sluice.api;

import dev.sluice.config.AgentConfig;
import dev.sluice.config.AgentSetup;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StorageConfig;
import dev.sluice.config.StreamsConfig;
import dev.sluice.config.ToolsConfig;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The agent layer end to end, over raw HTTP, on one database: one server per class (the agent
 * {@code helper} on the mock model, with {@code datetime} and {@code calculator}, and {@code
 * other}, without tools), restarted on the same database where a test needs it. The tests are in
 * the interfaces: the AgentOS routes and streamed runs ({@link AgentRunsContract}), sessions and
 * their history ({@link AgentSessionsContract}), cancelling, busy sessions and bad input ({@link
 * AgentControlContract}). Each test uses sessions of its own, so they do not depend on one another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class AgentApiContract
    implements AgentRunsContract, AgentSessionsContract, AgentControlContract {
  static final AgentConfig HELPER =
      new AgentConfig(
          "helper",
          "Helper",
          "A helper that calculates and tells the time.",
          "mock",
          "You are concise.",
          List.of("datetime", "calculator"),
          3,
          6);

  /** A second agent, so that listings and filters have something to leave out. */
  static final AgentConfig OTHER =
      new AgentConfig("other", "Other", "Answers without tools.", "mock", "", List.of(), 3, 6);

  private final HttpClient http = TestHttp.client();
  private StorageConfig storage;
  private SluiceServer server;

  /** A fresh, empty database for this class. */
  protected abstract StorageConfig database();

  @BeforeAll
  final void startServer() {
    storage = database();
    server = start(storage);
  }

  @AfterAll
  final void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  public final SluiceServer server() {
    return server;
  }

  @Override
  public final HttpClient http() {
    return http;
  }

  @Override
  public final void restartServer() {
    server.close();
    server = null;
    server = start(storage);
  }

  private static SluiceServer start(StorageConfig storage) {
    return SluiceServer.start(
        new SluiceConfig(
            new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
            StreamsConfig.defaults(),
            List.of(ModelConfig.mock()),
            new AgentSetup(storage, ToolsConfig.defaults(), List.of(HELPER, OTHER)),
            "test"));
  }
}
