package dev.sluice.provider;

import dev.sluice.config.Resilience;
import dev.sluice.error.NotFoundException;
import dev.sluice.error.SluiceException;
import dev.sluice.error.UpstreamException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a model's upstream so that the client sees one clean stream: everything that can go wrong
 * before the first token is absorbed here.
 *
 * <p>For the requested model, then each of its configured {@code fallbacks} in order, it opens the
 * provider and waits for the first real event (non-empty text, a tool call or a finish) within the
 * model's {@code first_token_timeout}. A retryable failure in that window ({@link
 * UpstreamException#retryable()}: unreachable, timed out, 408, 429, 5xx, or a break before the
 * first token) closes that upstream and is retried with resilience4j's {@link Retry}: exponential
 * backoff with jitter, an upstream's {@code Retry-After} honoured when longer, at most {@code
 * max_attempts} attempts and no wait that would end past {@code budget}. When a model's retries are
 * spent the next fallback is tried (a fallback's own fallbacks are not followed). A non-retryable
 * error (other 4xx) is thrown at once, from whichever model gave it; when every model failed, the
 * last one's error is thrown.
 *
 * <p>The pump returned has the events taken while waiting given back, and enforces the model's
 * {@code idle_timeout} from then on. Retries count {@code sluice_upstream_retries_total}, fallbacks
 * {@code sluice_fallbacks_total}; each is logged once at INFO with its reason.
 *
 * <p>Thread-safe and shared; {@link #open} blocks the calling (virtual) thread during the attempts
 * and backoffs. Cancellation: interrupting that thread closes the upstream being tried and throws
 * {@link InterruptedException}.
 */
public final class FailoverOpener {
  private static final Logger log = LoggerFactory.getLogger(FailoverOpener.class);

  /**
   * An upstream that has produced its first token.
   *
   * @param servedBy the model that answered: the requested route or one of its fallbacks
   * @param events its events from the start; the caller owns the pump and must close it
   */
  public record Opened(ModelRoute servedBy, UpstreamPump events) {}

  private final ModelRouter router;
  private final SluiceMetrics metrics;

  public FailoverOpener(ModelRouter router, SluiceMetrics metrics) {
    this.router = router;
    this.metrics = metrics;
  }

  /**
   * Opens {@code route}, or one of its fallbacks, up to the first token.
   *
   * @throws SluiceException the error that ended the attempts, with its status
   */
  public Opened open(ChatRequest request, ModelRoute route) throws InterruptedException {
    UpstreamException last = null;
    for (ModelRoute candidate : chain(route)) {
      if (last != null) {
        log.info(
            "model {} failed ({}); falling back to {}",
            route.requested(),
            last.getMessage(),
            candidate.requested());
        metrics.fallback(route.requested(), candidate.requested());
      }
      try {
        return new Opened(candidate, withRetries(request, candidate));
      } catch (UpstreamException e) {
        if (!e.retryable()) {
          throw e;
        }
        last = e;
      }
    }
    throw last;
  }

  /** The route, then its fallbacks; one the router no longer knows is skipped. */
  private List<ModelRoute> chain(ModelRoute route) {
    List<ModelRoute> chain = new ArrayList<>(List.of(route));
    for (String name : route.config().resilience().fallbacks()) {
      try {
        chain.add(router.route(name));
      } catch (NotFoundException e) {
        log.warn("model {}: fallback {} is not a served model; skipped", route.requested(), name);
      }
    }
    return chain;
  }

  private UpstreamPump withRetries(ChatRequest request, ModelRoute route)
      throws InterruptedException {
    Attempts attempts = new Attempts(route);
    RetryConfig config =
        RetryConfig.<UpstreamPump>custom()
            .maxAttempts(route.config().resilience().retry().maxAttempts())
            .retryOnException(attempts::shouldRetry)
            // shouldRetry, which the library calls just before, has already chosen the wait.
            .intervalBiFunction((attempt, outcome) -> attempts.nextWaitMillis)
            .build();
    Retry retry = Retry.of(route.requested(), config);
    retry
        .getEventPublisher()
        .onRetry(
            event -> {
              metrics.upstreamRetry(route.requested());
              log.info(
                  "model {}: attempt {} failed ({}); retrying in {} ms",
                  route.requested(),
                  event.getNumberOfRetryAttempts(),
                  event.getLastThrowable().getMessage(),
                  event.getWaitInterval().toMillis());
            });
    try {
      return retry.executeCallable(() -> attempt(request, route, attempts));
    } catch (InterruptedException e) {
      throw e;
    } catch (RuntimeException e) {
      // Interrupted during a backoff, the library restores the flag and rethrows the last error.
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted between attempts");
      }
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("an attempt threw " + e, e); // attempt() throws no other
    }
  }

  /** One attempt: open, then wait for the first real event within the first-token timeout. */
  private UpstreamPump attempt(ChatRequest request, ModelRoute route, Attempts attempts)
      throws InterruptedException {
    attempts.made++;
    Resilience settings = route.config().resilience();
    long deadline = System.nanoTime() + settings.firstTokenTimeout().toNanos();
    UpstreamPump pump = UpstreamPump.open(route.provider(), request, route.upstreamModel());
    List<StreamEvent> taken = new ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        StreamEvent event = pump.poll(left);
        if (event != null) {
          taken.add(event);
          if (isFirstToken(event)) {
            break;
          }
        } else if (pump.ended()) {
          break; // An empty reply is still a reply: the pipeline ends it cleanly.
        } else if (left <= 0) {
          throw UpstreamException.timeout(
              "The upstream of model '"
                  + route.requested()
                  + "' sent no token within "
                  + settings.firstTokenTimeout().toMillis()
                  + " ms (first_token_timeout_ms).");
        }
      }
    } catch (RuntimeException | InterruptedException e) {
      pump.close();
      throw e;
    }
    pump.unread(taken);
    pump.idleTimeout(settings.idleTimeout());
    return pump;
  }

  private static boolean isFirstToken(StreamEvent event) {
    return switch (event) {
      case StreamEvent.Text text -> !text.text().isEmpty();
      case StreamEvent.ToolCall call -> true;
      case StreamEvent.Finish finish -> true;
      case StreamEvent.Usage usage -> false;
    };
  }

  /**
   * The wait before retry number {@code retry} (1 for the first): {@code initial * 2^(retry-1)},
   * capped at {@code max}, with "equal jitter" (a random point in its upper half), so that clients
   * that failed together do not come back together, yet each still backs off.
   */
  static long backoffMillis(Resilience.RetryPolicy policy, int retry, double random) {
    long initial = policy.initialBackoff().toMillis();
    long max = policy.maxBackoff().toMillis();
    // initial is at most 600000 (< 2^20) by config, so a shift of up to 40 cannot overflow.
    long base = Math.min(max, initial << Math.min(retry - 1, 40));
    return base / 2 + (long) (random * (base - base / 2));
  }

  /** One model's attempts for one request; confined to the calling thread. */
  private final class Attempts {
    private final ModelRoute route;
    private final Resilience.RetryPolicy policy;
    private final long startNanos = System.nanoTime();
    private int made;
    private long nextWaitMillis;

    Attempts(ModelRoute route) {
      this.route = route;
      this.policy = route.config().resilience().retry();
    }

    /** Whether to try again after {@code failure}; if so, {@link #nextWaitMillis} is the wait. */
    boolean shouldRetry(Throwable failure) {
      if (!(failure instanceof UpstreamException e) || !e.retryable()) {
        return false;
      }
      long backoff = backoffMillis(policy, made, ThreadLocalRandom.current().nextDouble());
      long asked = e.retryAfter().map(Duration::toMillis).orElse(0L);
      nextWaitMillis = Math.max(backoff, asked);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      boolean inBudget = elapsed + nextWaitMillis <= policy.budget().toMillis();
      if (!inBudget && made < policy.maxAttempts()) {
        log.info(
            "model {}: not retrying: waiting {} ms more would pass the retry budget of {} ms",
            route.requested(),
            nextWaitMillis,
            policy.budget().toMillis());
      }
      return inBudget;
    }
  }
}
