package dev.sluice.provider;

import static dev.sluice.provider.ProviderTestSupport.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.error.UpstreamException;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The mock's fault options: {@code fail_after} and {@code fail_status}. */
@Timeout(5)
class MockFaultTest {
  private static final MockProvider MOCK = new MockProvider(ProviderTestSupport.TOKENS);

  @BeforeAll
  static void warmUp() throws Exception {
    ProviderTestSupport.warmUp();
  }

  private static ChatRequest request(String model, String options) {
    return chat(model, "x", "\"sluice\":{\"mock\":{\"interval_ms\":0," + options + "}}");
  }

  /** Pulls events until the stream fails, which it must. */
  private static List<StreamEvent> untilFailure(UpstreamStream stream, List<StreamEvent> events)
      throws InterruptedException {
    try (stream) {
      for (StreamEvent e = stream.next(); e != null; e = stream.next()) {
        events.add(e);
      }
    }
    throw new AssertionError("the stream ended without failing: " + events);
  }

  @Test
  void failAfterSendsThatManyDeltasThenAServerError() {
    List<StreamEvent> events = new ArrayList<>();
    UpstreamStream stream = MOCK.open(request("mock", "\"tokens\":10,\"fail_after\":4"), "mock");

    assertThatThrownBy(() -> untilFailure(stream, events))
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.type()).isEqualTo("server_error");
              assertThat(e.retryable()).isTrue();
            });
    assertThat(events).hasSize(4).allMatch(StreamEvent.Text.class::isInstance);
  }

  @Test
  void failAfterCountsOnlyNonEmptyDeltasInMessyMode() {
    List<StreamEvent> events = new ArrayList<>();
    UpstreamStream stream =
        MOCK.open(request("mock", "\"messy\":true,\"tokens\":30,\"fail_after\":3"), "mock");

    assertThatThrownBy(() -> untilFailure(stream, events)).isInstanceOf(UpstreamException.class);
    assertThat(ProviderTestSupport.texts(events)).filteredOn(t -> !t.isEmpty()).hasSize(3);
    assertThat(ProviderTestSupport.texts(events).getFirst()).as("messy starts empty").isEmpty();
  }

  @Test
  void failAfterBeyondTheReplyLetsItFinish() throws InterruptedException {
    List<StreamEvent> events =
        ProviderTestSupport.drain(
            MOCK.open(request("mock", "\"text\":\"Just this.\",\"fail_after\":50"), "mock"));

    assertThat(ProviderTestSupport.text(events)).isEqualTo("Just this.");
    assertThat(ProviderTestSupport.finishReasons(events)).containsExactly("stop");
  }

  @Test
  void failStatusRefusesTheRequestedModelOnly() throws InterruptedException {
    ChatRequest request = request("flaky", "\"fail_status\":503,\"text\":\"Fine.\"");

    assertThatThrownBy(() -> MOCK.open(request, "flaky"))
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.type()).isEqualTo("server_error");
              assertThat(e.getMessage()).contains("sluice.mock.fail_status");
            });
    // Standing in for "flaky" as its fallback, the mock answers.
    assertThat(ProviderTestSupport.text(ProviderTestSupport.drain(MOCK.open(request, "mock"))))
        .isEqualTo("Fine.");
  }

  @Test
  void failStatus400IsNotRetryable() {
    assertThatThrownBy(() -> MOCK.open(request("mock", "\"fail_status\":400"), "mock"))
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.type()).isEqualTo("invalid_request_error");
              assertThat(e.retryable()).isFalse();
            });
  }
}
