package dev.sluice.store;

import static dev.sluice.store.StoreFixtures.ended;
import static dev.sluice.store.StoreFixtures.message;
import static dev.sluice.store.StoreFixtures.running;
import static dev.sluice.store.StoreFixtures.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The store contract's concurrency cases (a JUnit test interface, run by {@link
 * SessionStoreContract} on each database): the races the agent layer will put the store through.
 */
interface ConcurrentSessionStoreContract {
  long T0 = SessionStoreContract.T0;

  /** The open store of the running test. */
  SessionStore store();

  /** An id unique to the running test. */
  String id(String name);

  /** Starts, fills and completes a run; returns it as finished. */
  RunRecord completedRun(String session, String run, long at, String input, String answer);

  @Test
  default void twoConcurrentStartsOnOneSessionLetExactlyOneWin() throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      for (int round = 0; round < 20; round++) {
        String session = id("s" + round);
        if (round % 2 == 1) { // half on a new session, half on one with a finished run
          completedRun("s" + round, "pre" + round, T0, "before", "ok");
        }
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<Boolean>> starts = new ArrayList<>();
        for (String runId : List.of(id("a" + round), id("b" + round))) {
          starts.add(
              pool.submit(
                  () -> {
                    barrier.await();
                    try {
                      store().startRun(running(runId, session, id("agent"), null, "race", T0));
                      return true;
                    } catch (SessionBusyException e) {
                      return false;
                    }
                  }));
        }
        int wins = 0;
        for (Future<Boolean> start : starts) {
          wins += start.get() ? 1 : 0;
        }
        assertThat(wins).as("round %d", round).isEqualTo(1);
        assertThat(store().runs(session))
            .filteredOn(r -> r.status() == RunStatus.RUNNING)
            .hasSize(1);
      }
    }
  }

  @Test
  default void fiftyConcurrentRunsOnFiftySessionsAllSucceed() throws Exception {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> runs =
          IntStream.range(0, 50)
              .mapToObj(
                  i ->
                      threads.submit(
                          () -> completedRun("s" + i, "r" + i, T0 + i, "q" + i, "a" + i)))
              .<Future<?>>map(f -> f)
              .toList();
      for (Future<?> run : runs) {
        run.get();
      }
    }
    assertThat(store().sessions(new SessionQuery(id("agent"), null, 100, 1)).total()).isEqualTo(50);
    for (int i = 0; i < 50; i++) {
      assertThat(store().run(id("r" + i)).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(store().history(id("s" + i), 1))
          .extracting(StoredMessage::content)
          .containsExactly("q" + i, "a" + i);
    }
  }

  @Test
  default void parallelToolCallsOfOneRunAreAllRecorded() throws Exception {
    store().startRun(running(id("r"), id("s"), id("agent"), null, "many tools", T0));
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 20; i++) {
        String call = "call_" + i;
        threads.submit(() -> store().addToolCall(toolCall(id("r"), call, "t", call)));
      }
    }
    assertThat(store().toolCalls(id("r")))
        .extracting(ToolCallRecord::id)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 20).mapToObj(i -> "call_" + i).toList());
  }

  @Test
  default void aCancelledRunsInterruptedThreadStillRecordsItsEnd() throws Exception {
    RunRecord run = running(id("r"), id("s"), id("agent"), null, "stop me", T0);
    store().startRun(run);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    // A virtual thread, as runs have: there an interrupt also closes a socket in use.
    Thread.ofVirtual()
        .start(
            () -> {
              Thread.currentThread().interrupt(); // as when the run is cancelled
              try {
                store().addMessages(List.of(message(id("r"), 0, "user", "stop me")));
                store().finishRun(ended(run, RunStatus.CANCELLED, "partial", 10));
              } catch (Throwable e) {
                failure.set(e);
              }
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            })
        .join();
    assertThat(failure.get()).isNull();
    assertThat(stillInterrupted).as("the interrupt is kept").isTrue();
    assertThat(store().run(id("r")).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
  }
}
