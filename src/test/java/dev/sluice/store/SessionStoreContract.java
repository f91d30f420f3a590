package dev.sluice.store;

import static dev.sluice.store.StoreFixtures.ended;
import static dev.sluice.store.StoreFixtures.exchange;
import static dev.sluice.store.StoreFixtures.message;
import static dev.sluice.store.StoreFixtures.running;
import static dev.sluice.store.StoreFixtures.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link SessionStore} does, run against each database by a subclass. The database is
 * shared by a test class's tests, so each test uses ids of its own (a random prefix) and never
 * counts what it did not create. The concurrency cases are in {@link
 * ConcurrentSessionStoreContract}, which this class brings in.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class SessionStoreContract implements ConcurrentSessionStoreContract {
  static final long T0 = 1_700_000_000L;

  /** Opens a store on this class's database; every call opens the same database. */
  protected abstract SessionStore openStore();

  protected SessionStore store;
  private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

  @Override
  public SessionStore store() {
    return store;
  }

  @Override
  public String id(String name) {
    return prefix + "-" + name;
  }

  @BeforeEach
  void open() {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Override
  public RunRecord completedRun(String session, String run, long at, String input, String answer) {
    RunRecord started = running(id(run), id(session), id("agent"), id("user"), input, at);
    store.startRun(started);
    store.addMessages(exchange(id(run), input, answer));
    RunRecord done = ended(started, RunStatus.COMPLETED, answer, 1500);
    store.finishRun(done);
    return done;
  }

  @Test
  void startsFinishesAndReadsBackARun() {
    RunRecord started = running(id("r1"), id("s1"), id("agent"), id("user"), "What is 2+2?", T0);
    store.startRun(started);
    assertThat(store.run(id("r1"))).contains(started);

    RunRecord done = ended(started, RunStatus.COMPLETED, "4", 2_500);
    store.finishRun(done);
    assertThat(store.run(id("r1"))).contains(done);
    assertThat(store.runs(id("s1"))).containsExactly(done);
    assertThat(store.run(id("nope"))).isEmpty();

    RunRecord failed =
        ended(running(id("r2"), id("s1"), id("agent"), null, "x", T0 + 9), RunStatus.ERROR, "", 10);
    store.startRun(failed);
    store.finishRun(failed);
    assertThat(store.run(id("r2")).orElseThrow().error()).isEqualTo("upstream failed");
    assertThat(store.run(id("r2")).orElseThrow().timeToFirstTokenMs()).isNull();
  }

  @Test
  void createsTheSessionOnItsFirstRunNamedAfterTheInput() {
    String input = "Please summarise the following long document about rivers and their sluices";
    store.startRun(running(id("r1"), id("s"), id("agent"), id("user"), input, T0));
    Session session = store.session(id("s")).orElseThrow();
    assertThat(session)
        .isEqualTo(new Session(id("s"), id("agent"), id("user"), session.name(), T0, T0));
    assertThat(session.name()).startsWith("Please summarise the following").endsWith("…");
    assertThat(session.name().length()).isLessThanOrEqualTo(61);
    assertThat(input).startsWith(session.name().replace("…", ""));

    store.finishRun(ended(store.run(id("r1")).orElseThrow(), RunStatus.COMPLETED, "ok", 5_900));
    assertThat(store.session(id("s")).orElseThrow().updatedAt()).isEqualTo(T0 + 5);
    store.startRun(
        running(id("r2"), id("s"), id("agent"), id("user"), "Another question", T0 + 60));
    Session later = store.session(id("s")).orElseThrow();
    assertThat(later.name()).isEqualTo(session.name());
    assertThat(later.createdAt()).isEqualTo(T0);
    assertThat(later.updatedAt()).isEqualTo(T0 + 60);
    assertThat(store.session(id("none"))).isEmpty();
  }

  @Test
  void messagesAndToolCallsRoundTripInOrder() {
    store.startRun(running(id("r"), id("s"), id("agent"), null, "weather?", T0));
    String calls = "[{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"w\"}}]";
    List<StoredMessage> first =
        List.of(
            message(id("r"), 0, "user", "weather?"),
            new StoredMessage(id("r"), 1, "assistant", null, calls, null, T0));
    List<StoredMessage> second =
        List.of(
            new StoredMessage(id("r"), 3, "assistant", "Sunny.", null, null, T0 + 2),
            new StoredMessage(id("r"), 2, "tool", "{\"sky\":\"clear\"}", null, "call_b", T0 + 1));
    store.addMessages(first);
    store.addMessages(second);
    store.addMessages(List.of());
    assertThat(store.messages(id("r")))
        .containsExactly(first.get(0), first.get(1), second.get(1), second.get(0));

    ToolCallRecord b = toolCall(id("r"), "call_b", "weather", "clear");
    ToolCallRecord a = toolCall(id("r"), "call_a", "weather", "rain");
    ToolCallRecord failed =
        new ToolCallRecord("call_c", id("r"), "calc", "{not json", null, "bad arguments", 0, T0);
    store.addToolCall(b);
    store.addToolCall(a);
    store.addToolCall(failed);
    assertThat(store.toolCalls(id("r"))).containsExactly(b, a, failed);
    assertThat(store.messages(id("other"))).isEmpty();
  }

  @Test
  void historyIsTheLastCompletedRunsOldestFirst() {
    long at = T0; // every run in the same second: order must not rest on created_at
    completedRun("s", "r1", at, "one", "1");
    RunRecord failed = running(id("r2"), id("s"), id("agent"), null, "two", at);
    store.startRun(failed);
    store.addMessages(exchange(id("r2"), "two", "2?"));
    store.finishRun(ended(failed, RunStatus.ERROR, "", 1));
    completedRun("s", "r3", at, "three", "3");
    RunRecord cancelled = running(id("r4"), id("s"), id("agent"), null, "four", at);
    store.startRun(cancelled);
    store.addMessages(exchange(id("r4"), "four", "4?"));
    store.finishRun(ended(cancelled, RunStatus.CANCELLED, "", 1));
    completedRun("s", "r5", at, "five", "5");
    store.startRun(running(id("r6"), id("s"), id("agent"), null, "six", at));
    store.addMessages(List.of(message(id("r6"), 0, "user", "six")));

    assertThat(store.history(id("s"), 2))
        .extracting(StoredMessage::content)
        .containsExactly("three", "3", "five", "5");
    assertThat(store.history(id("s"), 10))
        .extracting(StoredMessage::content)
        .containsExactly("one", "1", "three", "3", "five", "5");
    assertThat(store.history(id("s"), 0)).isEmpty();
    assertThat(store.history(id("none"), 5)).isEmpty();
    assertThat(store.runs(id("s")))
        .extracting(RunRecord::id)
        .containsExactly(id("r1"), id("r2"), id("r3"), id("r4"), id("r5"), id("r6"));
  }

  @Test
  void listsSessionsNewestFirstPagedAndFilteredWithTotal() {
    for (int i = 0; i < 7; i++) {
      String user = i % 2 == 0 ? id("even") : id("odd");
      store.startRun(running(id("r" + i), id("s" + i), id("agent"), user, "q" + i, T0 + i));
    }
    store.startRun(running(id("rx"), id("sx"), id("other-agent"), id("even"), "x", T0 + 100));

    SessionPage first = store.sessions(new SessionQuery(id("agent"), null, 3, 1));
    assertThat(first.total()).isEqualTo(7);
    assertThat(first.sessions())
        .extracting(Session::id)
        .containsExactly(id("s6"), id("s5"), id("s4"));
    assertThat(store.sessions(new SessionQuery(id("agent"), null, 3, 3)).sessions())
        .extracting(Session::id)
        .containsExactly(id("s0"));
    SessionPage beyond = store.sessions(new SessionQuery(id("agent"), null, 3, 4));
    assertThat(beyond.sessions()).isEmpty();
    assertThat(beyond.total()).isEqualTo(7);

    SessionPage even = store.sessions(new SessionQuery(id("agent"), id("even"), 100, 1));
    assertThat(even.total()).isEqualTo(4);
    assertThat(even.sessions())
        .extracting(Session::id)
        .containsExactly(id("s6"), id("s4"), id("s2"), id("s0"));
    SessionPage byUser = store.sessions(new SessionQuery(null, id("even"), 2, 1));
    assertThat(byUser.total()).isEqualTo(5);
    assertThat(byUser.sessions()).extracting(Session::id).containsExactly(id("sx"), id("s6"));
    SessionPage all = store.sessions(new SessionQuery(null, null, 100, 1));
    assertThat(all.total()).isGreaterThanOrEqualTo(8);
    assertThat(all.sessions())
        .extracting(Session::updatedAt)
        .isSortedAccordingTo((x, y) -> Long.compare(y, x));

    assertThatThrownBy(() -> store.sessions(new SessionQuery(null, null, 0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.sessions(new SessionQuery(null, null, 101, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.sessions(new SessionQuery(null, null, 10, 0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deletingASessionDeletesEverythingOfIt() {
    completedRun("s", "r1", T0, "hi", "hello");
    store.addToolCall(toolCall(id("r1"), "call_1", "t", "x"));
    completedRun("keep", "k1", T0, "hi", "hello");

    assertThat(store.deleteSession(id("s"))).isTrue();
    assertThat(store.session(id("s"))).isEmpty();
    assertThat(store.runs(id("s"))).isEmpty();
    assertThat(store.run(id("r1"))).isEmpty();
    assertThat(store.messages(id("r1"))).isEmpty();
    assertThat(store.toolCalls(id("r1"))).isEmpty();
    assertThat(store.deleteSession(id("s"))).isFalse();
    assertThat(store.messages(id("k1"))).hasSize(2);

    // A run whose session went away cannot be written to any more.
    assertThatThrownBy(() -> store.addMessages(exchange(id("r1"), "a", "b")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.addToolCall(toolCall(id("r1"), "c", "t", "x")))
        .isInstanceOf(IllegalStateException.class);
    RunRecord gone = running(id("r1"), id("s"), id("agent"), null, "hi", T0);
    assertThatThrownBy(() -> store.finishRun(ended(gone, RunStatus.COMPLETED, "", 1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSecondRunningRunIsBusyUntilTheFirstEnds() {
    RunRecord first = running(id("r1"), id("s"), id("agent"), null, "one", T0);
    store.startRun(first);
    RunRecord second = running(id("r2"), id("s"), id("agent"), null, "two", T0 + 1);
    assertThatThrownBy(() -> store.startRun(second))
        .isInstanceOf(SessionBusyException.class)
        .hasMessageContaining(id("s"));
    assertThat(store.run(id("r2"))).isEmpty();

    store.finishRun(ended(first, RunStatus.CANCELLED, "", 10));
    store.startRun(second);
    assertThat(store.run(id("r2")).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
    // Other sessions are not held up, and a run id is never reused.
    store.startRun(running(id("r3"), id("s-other"), id("agent"), null, "three", T0));
    assertThatThrownBy(
            () -> store.startRun(running(id("r3"), id("s-new"), id("agent"), null, "", T0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.finishRun(second)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dataSurvivesARestartAndARunningRunBecomesAnError() {
    RunRecord done = completedRun("s", "r1", T0, "remember me", "remembered");
    store.startRun(running(id("r2"), id("s"), id("agent"), id("user"), "in flight", T0 + 5));
    store.addToolCall(toolCall(id("r2"), "call_1", "t", "x"));

    store.close();
    store = openStore();

    assertThat(store.run(id("r1"))).contains(done);
    assertThat(store.history(id("s"), 5))
        .extracting(StoredMessage::content)
        .containsExactly("remember me", "remembered");
    RunRecord interrupted = store.run(id("r2")).orElseThrow();
    assertThat(interrupted.status()).isEqualTo(RunStatus.ERROR);
    assertThat(interrupted.error()).isEqualTo("interrupted by a restart");
    assertThat(store.toolCalls(id("r2"))).hasSize(1);
    store.startRun(running(id("r3"), id("s"), id("agent"), id("user"), "again", T0 + 9));
  }

  @Test
  void unicodeAndEmojiRoundTrip() {
    String text =
        "Grüße, 你好, مرحبا 👋🏽 👨‍👩‍👧‍👦 🇫🇷 é (e\u0301) 𝄞 — \"quotes\" \\ 'n' \t tab";
    store.startRun(running(id("r"), id("s-🚀"), id("agent"), id("usér"), text, T0));
    store.addMessages(
        List.of(
            new StoredMessage(id("r"), 0, "assistant", text, "[{\"x\":\"🔧\"}]", "call_ü", T0)));
    ToolCallRecord call =
        new ToolCallRecord("call_ü", id("r"), "wörter", "{\"q\":\"🔍\"}", text, null, 1, T0);
    store.addToolCall(call);
    RunRecord done = ended(store.run(id("r")).orElseThrow(), RunStatus.COMPLETED, text, 1);
    store.finishRun(done);

    assertThat(store.run(id("r"))).contains(done);
    String name = store.session(id("s-🚀")).orElseThrow().name();
    assertThat(text.replaceAll("\\s+", " ")).startsWith(name.replace("…", ""));
    assertThat(store.messages(id("r")).getFirst().content()).isEqualTo(text);
    assertThat(store.messages(id("r")).getFirst().toolCallsJson()).isEqualTo("[{\"x\":\"🔧\"}]");
    assertThat(store.toolCalls(id("r"))).containsExactly(call);
    assertThat(store.sessions(new SessionQuery(null, id("usér"), 10, 1)).total()).isEqualTo(1);

    // PostgreSQL's text cannot hold U+0000: both databases store it as U+FFFD.
    store.startRun(running(id("r0"), id("s0"), id("agent"), null, "nul\u0000here", T0));
    assertThat(store.run(id("r0")).orElseThrow().input()).isEqualTo("nul\uFFFDhere");
    String big = "🙂 long answer ".repeat(20_000);
    store.finishRun(ended(store.run(id("r0")).orElseThrow(), RunStatus.COMPLETED, big, 1));
    assertThat(store.run(id("r0")).orElseThrow().content()).isEqualTo(big);
  }
}
