package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice serve} with a config it cannot use: one line naming the file, the field and the
 * fix, exit code 2, and no server started (the command returns instead of serving).
 */
class ServeCommandTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run serve(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Sluice.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aBadConfigExitsWithTwoAndOneLineNamingTheFieldAndTheFix() throws IOException {
    Path bad = dir.resolve("sluice.yaml");
    Files.writeString(bad, "models:\n  - name: x\n    provider: opnai\n");

    Run run = serve("serve", "--config", bad.toString(), "--port", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "sluice: bad config: "
                + bad
                + ": models[0].provider: 'opnai' is unknown; use one of: mock, openai"
                + System.lineSeparator());
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aMissingConfigFileExitsWithTwo() {
    Run run = serve("serve", "--config", dir.resolve("absent.yaml").toString(), "--port", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("sluice: bad config: ").contains("absent.yaml: no such file");
  }
}
