package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ModelConfig;
import dev.sluice.config.Resilience;
import dev.sluice.error.InvalidRequestException;
import dev.sluice.error.UpstreamException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** FailoverOpener against scripted providers: the first-token window, the chain, cancellation. */
@Timeout(5)
class FailoverOpenerTest {
  private static final ChatRequest REQUEST = ProviderTestSupport.chat("primary", "hi", "");
  private static final Resilience.RetryPolicy FAST =
      new Resilience.RetryPolicy(
          2, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(5));

  private final Map<ModelConfig, ChatProvider> providers = new LinkedHashMap<>();
  private final SluiceMetrics metrics = new SluiceMetrics();

  private void model(String name, Resilience resilience, ChatProvider provider) {
    providers.put(
        new ModelConfig(name, "scripted", null, null, null, null, Duration.ofSeconds(1))
            .withResilience(resilience),
        provider);
  }

  private FailoverOpener.Opened open() throws InterruptedException {
    ModelRouter router = new ModelRouter(providers);
    return new FailoverOpener(router, metrics).open(REQUEST, router.route("primary"));
  }

  /** A provider whose streams send {@code events} and end. */
  private static ChatProvider sending(StreamEvent... events) {
    return (request, model) -> {
      ArrayDeque<StreamEvent> queue = new ArrayDeque<>(List.of(events));
      return new UpstreamStream() {
        @Override
        public StreamEvent next() {
          return queue.poll();
        }

        @Override
        public void close() {}
      };
    };
  }

  private static ChatProvider refusing(int status, AtomicInteger opens) {
    return (request, model) -> {
      opens.incrementAndGet();
      throw new UpstreamException(status, "some_error", null, null, "refused with " + status);
    };
  }

  private static List<StreamEvent> drain(UpstreamPump pump) throws InterruptedException {
    List<StreamEvent> events = new ArrayList<>();
    for (StreamEvent e; (e = pump.poll(Long.MAX_VALUE)) != null; ) {
      events.add(e);
    }
    return events;
  }

  @Test
  void backoffDoublesIsCappedAndJittersInItsUpperHalf() {
    Resilience.RetryPolicy policy =
        new Resilience.RetryPolicy(
            9, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(60));

    assertThat(FailoverOpener.backoffMillis(policy, 1, 0.0)).isEqualTo(50);
    assertThat(FailoverOpener.backoffMillis(policy, 1, 0.999)).isEqualTo(99);
    assertThat(FailoverOpener.backoffMillis(policy, 2, 0.0)).isEqualTo(100);
    assertThat(FailoverOpener.backoffMillis(policy, 3, 0.5)).isEqualTo(300);
    assertThat(FailoverOpener.backoffMillis(policy, 5, 0.0)).as("capped").isEqualTo(500);
    assertThat(FailoverOpener.backoffMillis(policy, 60, 0.999)).isBetween(500L, 1000L);
  }

  @Test
  void eventsTakenBeforeTheFirstTokenAreGivenBackInOrder() throws InterruptedException {
    StreamEvent.ToolCall call = new StreamEvent.ToolCall(0, "call_1", "f", "");
    model(
        "primary",
        Resilience.DEFAULTS,
        sending(new StreamEvent.Text(""), new StreamEvent.Text(""), call));

    FailoverOpener.Opened opened = open();

    assertThat(opened.servedBy().requested()).isEqualTo("primary");
    try (UpstreamPump pump = opened.events()) {
      assertThat(drain(pump))
          .containsExactly(new StreamEvent.Text(""), new StreamEvent.Text(""), call);
    }
  }

  @Test
  void aStreamThatEndsWithoutATokenIsHandedOverAsItIs() throws InterruptedException {
    model("primary", Resilience.DEFAULTS, sending(new StreamEvent.Usage(3, 0)));

    try (UpstreamPump pump = open().events()) {
      assertThat(drain(pump)).containsExactly(new StreamEvent.Usage(3, 0));
      assertThat(pump.ended()).isTrue();
    }
  }

  @Test
  void aNonRetryableErrorFromAFallbackEndsTheChain() throws InterruptedException {
    AtomicInteger primary = new AtomicInteger();
    AtomicInteger unauthorized = new AtomicInteger();
    AtomicInteger last = new AtomicInteger();
    model(
        "primary",
        Resilience.DEFAULTS.withRetry(FAST).withFallbacks(List.of("ghost", "locked", "last")),
        refusing(500, primary));
    model("locked", Resilience.DEFAULTS.withRetry(FAST), refusing(401, unauthorized));
    model("last", Resilience.DEFAULTS, refusing(500, last));

    assertThatThrownBy(this::open).hasMessage("refused with 401");
    assertThat(primary).hasValue(2);
    assertThat(unauthorized).as("a 401 is not retried").hasValue(1);
    assertThat(last).as("nor does it fall back further").hasValue(0);
    assertThat(metrics.scrape())
        .contains("sluice_fallbacks_total{from=\"primary\",to=\"locked\"} 1.0")
        .doesNotContain("to=\"ghost\"")
        .doesNotContain("to=\"last\"");
  }

  @Test
  void anInvalidRequestIsThrownAtOnce() {
    AtomicInteger opens = new AtomicInteger();
    model(
        "primary",
        Resilience.DEFAULTS.withRetry(FAST).withFallbacks(List.of("mock")),
        (request, model) -> {
          opens.incrementAndGet();
          throw new InvalidRequestException("sluice.mock.tokens", "bad option");
        });
    model("mock", Resilience.DEFAULTS, sending(new StreamEvent.Text("never")));

    assertThatThrownBy(this::open).isInstanceOf(InvalidRequestException.class);
    assertThat(opens).hasValue(1);
  }

  @Test
  void interruptingTheCallerDuringABackoffStopsAtOnce() throws Exception {
    CountDownLatch attempted = new CountDownLatch(1);
    model(
        "primary",
        Resilience.DEFAULTS.withRetry(
            new Resilience.RetryPolicy(
                3, Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(60))),
        (request, model) -> {
          attempted.countDown();
          throw new UpstreamException(503, "server_error", null, null, "busy");
        });
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    open();
                    outcome.complete(null);
                  } catch (Throwable t) {
                    outcome.complete(t);
                  }
                });
    assertThat(attempted.await(2, TimeUnit.SECONDS)).isTrue();

    caller.interrupt();

    try {
      assertThat(outcome.get(2, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
  }
}
