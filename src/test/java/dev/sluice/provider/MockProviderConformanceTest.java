package dev.sluice.provider;

import dev.sluice.config.ModelConfig;
import dev.sluice.openai.ChatRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The embedded mock, unpaced, against the provider contract. */
class MockProviderConformanceTest extends ProviderConformanceTest {
  private ModelRouter router;
  private ModelRoute route;

  @BeforeEach
  void start() {
    router = new ModelRouter(List.of(ModelConfig.mock()), ProviderTestSupport.TOKENS);
    route = router.route("mock");
  }

  @AfterEach
  void stop() {
    router.close();
  }

  @Override
  protected ChatProvider provider() {
    return route.provider();
  }

  @Override
  protected ChatRequest request() {
    return ProviderTestSupport.chat(
        "mock", "Tell me about rivers", "\"sluice\":{\"mock\":{\"interval_ms\":0}}");
  }

  @Override
  protected String upstreamModel() {
    return route.upstreamModel();
  }
}
