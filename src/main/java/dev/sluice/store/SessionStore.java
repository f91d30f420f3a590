package dev.sluice.store;

import java.util.List;
import java.util.Optional;

/**
 * Where agent sessions, runs, messages and tool calls are kept: SQLite by default, PostgreSQL by a
 * JDBC URL; the schema is created and upgraded by Flyway at startup.
 *
 * <p>Thread-safe; every method is one short transaction and blocks (call it on a virtual thread).
 * Two runs on one session are not allowed at once: {@link #startRun} throws {@link
 * SessionBusyException} while another run of the session is {@link RunStatus#RUNNING}, which keeps
 * a session's history a single, ordered conversation. At startup, runs left RUNNING by a previous
 * process are marked {@link RunStatus#ERROR} ("interrupted by a restart").
 */
public interface SessionStore extends AutoCloseable {

  /**
   * Records the start of a run (status RUNNING) and creates its session if it does not exist yet
   * (named after {@code run.input()}).
   *
   * @throws SessionBusyException if the session has a run in progress
   */
  void startRun(RunRecord run);

  /** Adds messages of a run, in order. */
  void addMessages(List<StoredMessage> messages);

  void addToolCall(ToolCallRecord call);

  /** Records how a run ended: status, final content, tokens, timings, error. */
  void finishRun(RunRecord run);

  Optional<Session> session(String sessionId);

  SessionPage sessions(SessionQuery query);

  /** A session's runs, oldest first. */
  List<RunRecord> runs(String sessionId);

  Optional<RunRecord> run(String runId);

  /** The messages of a run, in order. */
  List<StoredMessage> messages(String runId);

  /** The tool calls of a run, in order. */
  List<ToolCallRecord> toolCalls(String runId);

  /**
   * The messages of the session's last {@code runs} completed runs, oldest first: what is replayed
   * into the next run.
   */
  List<StoredMessage> history(String sessionId, int runs);

  /** Deletes a session with its runs, messages and tool calls; false if there was none. */
  boolean deleteSession(String sessionId);

  @Override
  void close();
}
