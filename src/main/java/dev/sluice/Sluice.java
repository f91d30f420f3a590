package dev.sluice;

import dev.sluice.bench.BenchCommand;
import dev.sluice.cli.AotTrainCommand;
import dev.sluice.cli.ChatCommand;
import dev.sluice.cli.ServeCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command: {@code serve} runs the server, {@code chat} talks to one, {@code
 * bench} measures it.
 */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    version = "sluice 0.1.0",
    description = "An OpenAI-compatible streaming chat server.",
    subcommands = {
      ServeCommand.class,
      ChatCommand.class,
      BenchCommand.class,
      AotTrainCommand.class
    })
public final class Sluice implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with UTF-8 output, whatever the platform's default charset. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Sluice());
    cmd.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    cmd.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    return cmd;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }
}
