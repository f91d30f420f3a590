package dev.sluice.provider;

import dev.sluice.config.ModelConfig;
import dev.sluice.openai.ChatRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The OpenAI-compatible provider against the contract, its upstream replaying fixture (a). */
class OpenAiProviderConformanceTest extends ProviderConformanceTest {
  private FakeUpstream upstream;
  private ModelRouter router;
  private ModelRoute route;

  @BeforeEach
  void start() throws IOException {
    upstream = FakeUpstream.start().script(FakeUpstream.Response.sse(OpenAiFixtures.textReply()));
    ModelConfig config =
        new ModelConfig(
            "gpt-test",
            "openai",
            "gpt-4o",
            upstream.baseUrl(),
            "sk-test",
            null,
            Duration.ofSeconds(2));
    router = new ModelRouter(List.of(config), ProviderTestSupport.TOKENS);
    route = router.route("gpt-test");
  }

  @AfterEach
  void stop() throws IOException {
    router.close();
    upstream.close();
  }

  @Override
  protected ChatProvider provider() {
    return route.provider();
  }

  @Override
  protected ChatRequest request() {
    return ProviderTestSupport.chat("gpt-test", "Say hello", "");
  }

  @Override
  protected String upstreamModel() {
    return route.upstreamModel();
  }
}
