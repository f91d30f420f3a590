package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
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
  void printsWholeGraphemeClustersEvenWhenTheyArriveInPieces() throws Exception {
    List<String> printed = new ArrayList<>();
    PacedPrinter printer =
        new PacedPrinter(
            new PrintWriter(
                new Writer() {
                  @Override
                  public void write(char[] cbuf, int off, int len) {
                    printed.add(new String(cbuf, off, len));
                  }

                  @Override
                  public void flush() {}

                  @Override
                  public void close() {}
                }),
            1);
    // A family emoji (ZWJ sequence) and an e with a combining acute accent, cut mid-cluster.
    for (String delta : new String[] {"a\uD83D\uDC68\u200D", "\uD83D\uDC69 e", "\u0301!"}) {
      printer.accept(delta);
    }
    printer.finish();
    assertThat(printed).containsExactly("a", "\uD83D\uDC68\u200D\uD83D\uDC69", " ", "e\u0301", "!");
  }

  @Test
  void withoutDelayPrintsImmediately() {
    StringWriter out = new StringWriter();
    PacedPrinter printer = new PacedPrinter(new PrintWriter(out), 0);
    printer.accept("now");
    assertThat(out.toString()).isEqualTo("now");
  }
}
