package dev.sluice.provider;

import static dev.sluice.provider.ProviderTestSupport.drain;
import static dev.sluice.provider.ProviderTestSupport.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link ChatProvider} must do, whatever it talks to. A subclass supplies a provider
 * that answers {@link #request()} with a non-empty text reply, and the same reply every time.
 */
@Timeout(5)
abstract class ProviderConformanceTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(1);

  @BeforeAll
  static void warmUp() throws Exception {
    ProviderTestSupport.warmUp();
  }

  /** The provider under test, ready to serve {@link #request()}. */
  protected abstract ChatProvider provider();

  /** A request the provider answers with a plain text reply. */
  protected abstract ChatRequest request();

  protected abstract String upstreamModel();

  private UpstreamStream open() throws InterruptedException {
    return provider().open(request(), upstreamModel());
  }

  @Test
  void streamsTextThenExactlyOneFinishThenUsageThenNull() throws Exception {
    List<StreamEvent> events = drain(open());

    assertThat(events).hasSizeGreaterThanOrEqualTo(3);
    int finish = events.size() - 2;
    assertThat(events.get(finish)).isInstanceOf(StreamEvent.Finish.class);
    assertThat(((StreamEvent.Finish) events.get(finish)).reason()).isNotBlank();
    assertThat(events.getLast()).isInstanceOf(StreamEvent.Usage.class);
    assertThat(events.subList(0, finish))
        .as("everything before the finish is text")
        .allSatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        StreamEvent.Text.class, t -> assertThat(t.text()).isNotNull()));
    assertThat(text(events)).isNotEmpty();
  }

  @Test
  void nextKeepsReturningNullAfterTheEnd() throws Exception {
    try (UpstreamStream stream = open()) {
      while (stream.next() != null) {
        // Drain.
      }
      assertThat(stream.next()).isNull();
      assertThat(stream.next()).isNull();
    }
  }

  @Test
  void usageCountsTheCompletion() throws Exception {
    StreamEvent.Usage usage = ProviderTestSupport.usage(drain(open()));

    assertThat(usage.completionTokens()).isPositive();
    assertThat(usage.promptTokens()).isPositive();
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
  }

  @Test
  void theSameRequestTwiceGivesTheSameText() throws Exception {
    String first = text(drain(open()));
    String second = text(drain(open()));

    assertThat(second).isNotEmpty().isEqualTo(first);
  }

  @Test
  void closeMidStreamMakesNextReturnNullPromptly() throws Exception {
    UpstreamStream stream = open();
    assertThat(stream.next()).isInstanceOf(StreamEvent.Text.class);

    assertTimeoutPreemptively(PROMPTLY, stream::close);

    assertThat(assertTimeoutPreemptively(PROMPTLY, stream::next)).isNull();
    assertThat(stream.next()).isNull();
  }

  @Test
  void closeTwiceIsSafe() throws Exception {
    UpstreamStream stream = open();
    assertThat(stream.next()).isNotNull();

    assertThatCode(
            () -> {
              stream.close();
              stream.close();
            })
        .doesNotThrowAnyException();
    assertThat(stream.next()).isNull();
  }

  @Test
  void closeBeforeTheFirstEventIsSafe() throws Exception {
    UpstreamStream stream = open();

    stream.close();

    assertThat(assertTimeoutPreemptively(PROMPTLY, stream::next)).isNull();
  }
}
