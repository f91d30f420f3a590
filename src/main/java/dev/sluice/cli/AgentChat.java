package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.client.AgentClient;
import dev.sluice.client.ChatClientException;
import java.io.PrintWriter;

/**
 * {@code sluice chat --agent}: each turn is one run of the agent, in one session. The answer goes
 * to {@code out} (paced like any reply), everything else to {@code err}: tool calls, each on its
 * own line as it starts ({@code ⚙ name args}) and ends ({@code ✓ name → result} or {@code ✗ name:
 * error}), the session id once it is known ({@code session: <id>}), and errors. So {@code out}
 * carries only the answer text and can be piped. The session returned by the first run is kept, so
 * the conversation continues from turn to turn.
 */
final class AgentChat {
  /** The longest tool result shown; the rest is cut with an ellipsis. */
  static final int MAX_RESULT_CHARS = 200;

  private final AgentClient client;
  private final String agentId;
  private final boolean stream;
  private final long delayMs;
  private final PrintWriter out;
  private final PrintWriter err;
  private String sessionId;
  private boolean sessionShown;

  /**
   * @param sessionId the session to continue, or null to start one with the first run
   * @param stream whether to stream runs (else each run's events are shown when it ends)
   */
  AgentChat(
      AgentClient client,
      String agentId,
      String sessionId,
      boolean stream,
      long delayMs,
      PrintWriter out,
      PrintWriter err) {
    this.client = client;
    this.agentId = agentId;
    this.sessionId = sessionId;
    this.stream = stream;
    this.delayMs = delayMs;
    this.out = out;
    this.err = err;
  }

  /** One run; prints its answer and tool calls, or one line of error. Returns whether it worked. */
  boolean turn(String text) throws InterruptedException {
    RunPrinter printer = new RunPrinter();
    try {
      client.run(agentId, text, sessionId, stream, printer);
      printer.end();
      return true;
    } catch (ChatClientException e) {
      printer.end();
      err.println("sluice chat: error: " + e.getMessage());
      err.flush();
      return false;
    } finally {
      showSession();
    }
  }

  /** The session the next turn continues, or null before the first run started. */
  String sessionId() {
    return sessionId;
  }

  private void showSession() {
    if (sessionId != null && !sessionShown) {
      sessionShown = true;
      err.println("session: " + sessionId);
      err.flush();
    }
  }

  /** A tool's arguments on one line: compact JSON, or the text the model sent. */
  static String args(JsonNode args) {
    if (args == null || args.isMissingNode() || args.isNull()) {
      return "";
    }
    return oneLine(args.isTextual() ? args.asText() : args.toString());
  }

  /** {@code text} on one line (whitespace runs become a space), cut to the longest shown. */
  static String oneLine(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    if (line.length() > MAX_RESULT_CHARS) {
      int end = MAX_RESULT_CHARS;
      if (Character.isHighSurrogate(line.charAt(end - 1))) {
        end--;
      }
      line = line.substring(0, end) + "…";
    }
    return line;
  }

  /** Prints one run's events as they come, keeping the answer text and tool lines apart. */
  private final class RunPrinter implements AgentClient.Listener {
    private PacedPrinter answer = new PacedPrinter(out, delayMs);
    private boolean midLine; // whether answer text was printed since the last line break

    @Override
    public void started(String session, String runId) {
      if (session != null) {
        sessionId = session;
      }
    }

    @Override
    public void content(String delta) {
      answer.accept(delta);
      midLine = !delta.endsWith("\n");
    }

    @Override
    public void toolStarted(AgentClient.ToolCall call) {
      toolLine("⚙ " + call.name() + (args(call.args()).isEmpty() ? "" : " " + args(call.args())));
    }

    @Override
    public void toolCompleted(AgentClient.ToolCall call) {
      toolLine("✓ " + call.name() + (call.result() == null ? "" : " → " + oneLine(call.result())));
    }

    @Override
    public void toolFailed(AgentClient.ToolCall call) {
      toolLine("✗ " + call.name() + ": " + oneLine(String.valueOf(call.error())));
    }

    /**
     * A line of its own: the answer printed so far is flushed (and its line ended) first, so a
     * terminal showing both streams shows them in the order they happened.
     */
    private void toolLine(String line) {
      try {
        answer.finish();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (midLine) {
        out.println();
        midLine = false;
      }
      out.flush();
      answer = new PacedPrinter(out, delayMs);
      err.println("  " + line);
      err.flush();
    }

    /** Waits for the answer to be printed, then ends its line. */
    void end() throws InterruptedException {
      answer.finish();
      out.println();
      out.flush();
    }
  }
}
