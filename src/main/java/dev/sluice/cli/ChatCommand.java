package dev.sluice.cli;

import dev.sluice.client.AgentClient;
import dev.sluice.client.ChatClient;
import dev.sluice.client.ChatClientException;
import dev.sluice.openai.ChatMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice chat}: stream a reply to the terminal, once or in an interactive loop. */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Chat with a model through Sluice (or any OpenAI-compatible server),",
      "or with a Sluice agent (--agent): its tool calls, the session id and errors go to",
      "stderr, the answer alone to stdout."
    })
public final class ChatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      defaultValue = "mock",
      description = "Model to use (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--base-url",
      defaultValue = "http://127.0.0.1:8080/v1",
      description = "Server's OpenAI base URL (default: ${DEFAULT-VALUE}).")
  URI baseUrl;

  @Option(names = "--api-key", description = "Bearer key (default: $SLUICE_API_KEY).")
  String apiKey;

  @Option(
      names = "--delay",
      defaultValue = "0",
      description = "Print one character every N ms, evenly, whatever the chunk sizes.")
  long delayMs;

  @Option(names = "--no-stream", description = "Ask for the whole reply at once.")
  boolean noStream;

  @Option(
      names = "--resumable",
      description =
          "Sluice only: if the connection drops mid-stream, resume where it broke"
              + " (Last-Event-ID), printing no text twice and losing none.")
  boolean resumable;

  @Option(names = "--system", description = "A system prompt.")
  String system;

  @Option(
      names = "--agent",
      description = "Run this agent (Sluice only) instead of calling a model; not with --model.")
  String agent;

  @Option(
      names = "--session",
      description = "With --agent: continue this session (its id is printed after the first run).")
  String session;

  @Parameters(arity = "0..*", description = "The prompt. Without one, an interactive loop starts.")
  List<String> prompt = new ArrayList<>();

  /** Where the interactive loop reads prompts; tests replace it. */
  InputStream input = System.in;

  /** One exchange of a conversation; whether it worked. */
  private interface Turn {
    boolean run(String text) throws InterruptedException;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String key = apiKey != null ? apiKey : System.getenv("SLUICE_API_KEY");
    if (resumable && noStream) {
      throw new ParameterException(
          spec.commandLine(), "--resumable resumes streams; it cannot go with --no-stream");
    }
    Turn turn;
    String peer;
    if (agent != null) {
      checkAgentOptions();
      AgentChat chat =
          new AgentChat(
              new AgentClient(baseUrl, key),
              agent,
              session,
              !noStream,
              delayMs,
              out,
              spec.commandLine().getErr());
      turn = chat::turn;
      peer = "agent " + agent + " at " + AgentClient.serverRoot(baseUrl);
    } else {
      if (session != null) {
        throw new ParameterException(
            spec.commandLine(), "--session continues an agent's session; it needs --agent");
      }
      ChatClient client = new ChatClient(baseUrl, key);
      if (resumable) {
        client = client.resumable(ChatClient.Resume.DEFAULT);
      }
      List<ChatMessage> history = new ArrayList<>();
      if (system != null) {
        history.add(new ChatMessage("system", system));
      }
      ChatClient chosen = client;
      turn = text -> turn(chosen, history, text, out);
      peer = model + " at " + baseUrl;
    }
    if (!prompt.isEmpty()) {
      return turn.run(String.join(" ", prompt)) ? 0 : 1;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
    out.println("Chatting with " + peer + ". Ctrl-D or /exit to leave.");
    while (true) {
      out.print("> ");
      out.flush();
      String line = in.readLine();
      if (line == null || line.strip().equals("/exit")) {
        return 0;
      }
      if (!line.isBlank()) {
        turn.run(line);
      }
    }
  }

  /** An agent brings its own model and instructions, and its runs are not resumable. */
  private void checkAgentOptions() {
    var parsed = spec.commandLine().getParseResult();
    var why =
        java.util.Map.of(
            "--model", "the agent's config names its model",
            "--system", "the agent's config gives its instructions",
            "--resumable", "agent runs are not resumable");
    for (String option : List.of("--model", "--system", "--resumable")) {
      if (parsed.hasMatchedOption(option)) {
        throw new ParameterException(
            spec.commandLine(), option + " cannot go with --agent: " + why.get(option));
      }
    }
  }

  /** One exchange; prints the reply or one line of error. Returns whether it succeeded. */
  private boolean turn(ChatClient client, List<ChatMessage> history, String text, PrintWriter out)
      throws InterruptedException {
    history.add(new ChatMessage("user", text));
    PacedPrinter printer = new PacedPrinter(out, delayMs);
    try {
      String reply;
      if (noStream) {
        reply = client.complete(model, history);
        printer.accept(reply);
      } else {
        reply = client.stream(model, history, printer);
      }
      printer.finish();
      out.println();
      history.add(new ChatMessage("assistant", reply));
      return true;
    } catch (ChatClientException e) {
      printer.finish();
      out.println();
      history.remove(history.size() - 1);
      spec.commandLine().getErr().println("sluice chat: error: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return false;
    }
  }
}
