package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code sluice aot-train}: serves, answers its own requests, stops, and exits 0. */
class AotTrainCommandTest {
  @Test
  void trainingRunServesItsRequestsAndExitsCleanly() {
    StringWriter err = new StringWriter();
    var cmd = Sluice.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute("aot-train");
    assertThat(exit).as("stderr: %s", err).isZero();
  }
}
