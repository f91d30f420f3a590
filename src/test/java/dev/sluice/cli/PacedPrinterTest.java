package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class PacedPrinterTest {
  @Test
  void printsAnyChunkSizesAsOneEvenTextWithoutSplittingCharacters() throws Exception {
    StringWriter out = new StringWriter();
    PacedPrinter printer = new PacedPrinter(new PrintWriter(out), 1);
    for (String delta :
        new String[] {"", "He", "llo \uD83D\uDE80", "", " w", "orld \u65e5\u672c"}) {
      printer.accept(delta);
    }
    printer.finish();
    assertThat(out.toString()).isEqualTo("Hello \uD83D\uDE80 world \u65e5\u672c");
  }

  @Test
  void withoutDelayPrintsImmediately() {
    StringWriter out = new StringWriter();
    PacedPrinter printer = new PacedPrinter(new PrintWriter(out), 0);
    printer.accept("now");
    assertThat(out.toString()).isEqualTo("now");
  }
}
