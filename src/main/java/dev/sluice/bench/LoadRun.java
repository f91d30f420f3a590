package dev.sluice.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives streaming requests at one target from virtual threads and summarises what the clients saw.
 * Two shapes:
 *
 * <ul>
 *   <li>{@link #closedLoop}: {@code concurrency} workers, each sending {@code rounds} requests one
 *       after another, so that about {@code concurrency} streams are open throughout; workers start
 *       spread over one stream's duration so that they do not all ask at the same instant. Driven
 *       by one thread on a selector ({@link SelectorLoad}).
 *   <li>{@link #holdOpen}: {@code concurrency} streams opened at a fixed rate; once every one has
 *       its first token (all open at once) {@code whileOpen} runs, then the streams finish.
 * </ul>
 */
final class LoadRun {
  private final InetSocketAddress target;
  private final String path;
  private final String body;
  private final int tokens;

  LoadRun(InetSocketAddress target, String path, String model, int tokens) {
    this.target = target;
    this.path = path;
    this.tokens = tokens;
    this.body =
        "{\"model\":\""
            + model
            + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Benchmark\"}]}";
  }

  LoadSummary closedLoop(int concurrency, int rounds, long spreadMillis) {
    long start = System.nanoTime();
    try {
      SelectorLoad load =
          new SelectorLoad(target, SelectorLoad.request(target, path, body), tokens);
      List<StreamProbe.Result> results = load.run(concurrency, rounds, spreadMillis);
      return LoadSummary.of(results, System.nanoTime() - start);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("the load generator failed", e);
    }
  }

  /**
   * Opens {@code concurrency} streams at {@code perSecond}, each on a virtual thread ({@link
   * StreamProbe}: held streams send few chunks); runs {@code whileOpen} once all are open.
   */
  LoadSummary holdOpen(int concurrency, int perSecond, Runnable whileOpen)
      throws InterruptedException {
    ConcurrentLinkedQueue<StreamProbe.Result> results = new ConcurrentLinkedQueue<>();
    CountDownLatch open = new CountDownLatch(concurrency);
    AtomicInteger done = new AtomicInteger();
    long start = System.nanoTime();
    List<Thread> streams = new ArrayList<>(concurrency);
    for (int i = 0; i < concurrency; i++) {
      sleepUntil(start + 1_000_000_000L * i / perSecond);
      streams.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    StreamProbe.Result r =
                        new StreamProbe(target, path, body).run(tokens, open::countDown);
                    if (r.firstTokenNanos() < 0) {
                      open.countDown(); // failed before its first token: not open, not waited for
                    }
                    done.incrementAndGet();
                    results.add(r);
                  }));
    }
    if (open.await(120, TimeUnit.SECONDS) && done.get() == 0) {
      whileOpen.run();
    } else {
      System.err.printf(
          "bench: not all %d streams were open at once (%d finished first)%n",
          concurrency, done.get());
    }
    for (Thread t : streams) {
      t.join();
    }
    return LoadSummary.of(List.copyOf(results), System.nanoTime() - start);
  }

  private static void sleepUntil(long nanoTime) {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
