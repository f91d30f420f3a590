package dev.sluice.cli;

import java.io.PrintWriter;
import java.text.BreakIterator;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Prints streamed text evenly whatever sizes it arrives in: with a delay, deltas go into a buffer
 * and a printer thread writes one character (code point) per delay, so a burst of 40 characters and
 * 40 single characters look the same. Without a delay, each delta is printed and flushed as it
 * arrives. Call {@link #finish()} to wait until everything buffered is printed.
 */
final class PacedPrinter implements Consumer<String> {
  private static final String END = new String("end"); // identity marker, never printed

  private final PrintWriter out;
  private final long delayMs;
  private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
  private final Thread printer;
  private final StringBuilder pending = new StringBuilder();

  PacedPrinter(PrintWriter out, long delayMs) {
    this.out = out;
    this.delayMs = delayMs;
    this.printer = delayMs > 0 ? Thread.ofVirtual().start(this::printLoop) : null;
  }

  @Override
  public void accept(String delta) {
    if (printer == null) {
      out.print(delta);
      out.flush();
    } else {
      pending.append(delta);
      // The last cluster may still grow (an accent or a ZWJ part in the next delta): hold it.
      BreakIterator clusters = BreakIterator.getCharacterInstance();
      clusters.setText(pending.toString());
      int start = clusters.first();
      for (int end = clusters.next();
          end != BreakIterator.DONE;
          start = end, end = clusters.next()) {
        if (end == pending.length()) {
          break;
        }
        queue.add(pending.substring(start, end));
      }
      pending.delete(0, start);
    }
  }

  /** Blocks until every buffered character has been printed. */
  void finish() throws InterruptedException {
    if (printer != null) {
      if (!pending.isEmpty()) {
        queue.add(pending.toString());
        pending.setLength(0);
      }
      queue.add(END);
      printer.join();
    }
  }

  private void printLoop() {
    try {
      for (String next; (next = queue.take()) != END; ) {
        out.print(next);
        out.flush();
        TimeUnit.MILLISECONDS.sleep(delayMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
