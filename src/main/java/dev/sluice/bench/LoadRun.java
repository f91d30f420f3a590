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
 *       spread over one stream's duration so that they do not all ask at the same instant.
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

  LoadSummary closedLoop(int concurrency, int rounds, long spreadMillis)
      throws InterruptedException {
    ConcurrentLinkedQueue<StreamProbe.Result> results = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    List<Thread> workers = new ArrayList<>(concurrency);
    for (int w = 0; w < concurrency; w++) {
      long delayNanos = spreadMillis * 1_000_000L * w / concurrency;
      workers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    sleepUntil(start + delayNanos);
                    StreamProbe probe = new StreamProbe(target, path, body);
                    for (int r = 0; r < rounds; r++) {
                      results.add(probe.run(tokens, null));
                    }
                  }));
    }
    for (Thread t : workers) {
      t.join();
    }
    return LoadSummary.of(List.copyOf(results), System.nanoTime() - start);
  }

  /**
   * Opens {@code concurrency} streams at {@code perSecond}; runs {@code whileOpen} when all are.
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
