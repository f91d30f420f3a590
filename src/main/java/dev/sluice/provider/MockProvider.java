package dev.sluice.provider;

import dev.sluice.error.UpstreamException;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded {@code mock} model: a deterministic reply streamed token by token at a realistic
 * pace, with usage counted, so Sluice runs and can be tested with nothing configured. Options in
 * {@code "sluice": {"mock": {...}}} (see {@link MockOptions}). Thread-safe.
 */
final class MockProvider implements ChatProvider {
  private final TokenCounter tokens;

  MockProvider(TokenCounter tokens) {
    this.tokens = tokens;
  }

  @Override
  public UpstreamStream open(ChatRequest request, String upstreamModel) {
    MockOptions options = MockOptions.from(request.extension("mock"));
    if (options.failStatus() != MockOptions.NEVER && upstreamModel.equals(request.model())) {
      throw new UpstreamException(
          options.failStatus(),
          UpstreamException.defaultType(options.failStatus()),
          null,
          null,
          "The mock refused the request with HTTP "
              + options.failStatus()
              + ", as sluice.mock.fail_status asked.");
    }
    int promptTokens = tokens.countPrompt(request.messages());
    List<StreamEvent> toolCalls = MockToolCalls.plan(request);
    if (!toolCalls.isEmpty()) {
      return new MockStream(
          toolCalls,
          "tool_calls",
          new StreamEvent.Usage(promptTokens, toolCalls.size()),
          evenly(toolCalls.size(), options.intervalMs()),
          options.failAfter());
    }
    MockReply reply = MockReply.of(request, options);
    List<String> deltas = options.messy() ? messy(reply.tokens()) : reply.tokens();
    return new MockStream(
        deltas.stream().<StreamEvent>map(StreamEvent.Text::new).toList(),
        reply.finishReason(),
        new StreamEvent.Usage(promptTokens, reply.tokens().size()),
        options.messy()
            ? pacedByLength(deltas, reply.tokens(), options.intervalMs())
            : evenly(deltas.size(), options.intervalMs()),
        options.failAfter());
  }

  /** The wait before each delta: none before the first, {@code intervalMs} before the others. */
  private static long[] evenly(int count, long intervalMs) {
    long[] waits = new long[count];
    java.util.Arrays.fill(waits, Math.min(1, count), count, intervalMs);
    return waits;
  }

  /**
   * Messy deltas keep the model's pace: a delta waits in proportion to its length (at most one
   * interval, as a provider that batches tokens sends no slower than it generates them), so that
   * text arrives about as fast as {@code tokens} one interval apart however it is cut, and empty
   * deltas come at once, as providers send them beside real ones. (Paced one interval per delta, a
   * word cut in three waited past the default {@code max_delay_ms} and was sent in parts.)
   */
  static long[] pacedByLength(List<String> deltas, List<String> tokens, long intervalMs) {
    int chars = tokens.stream().mapToInt(String::length).sum();
    double perChar = chars == 0 ? 0 : (double) intervalMs * tokens.size() / chars;
    long[] waits = new long[deltas.size()];
    for (int i = 1; i < waits.length; i++) {
      waits[i] = Math.min(intervalMs, Math.round(perChar * deltas.get(i).length()));
    }
    return waits;
  }

  /**
   * Re-cuts the reply the way real providers deliver it: a first empty delta, uneven sizes, empty
   * deltas in between, and the first astral character (an emoji) split between its two UTF-16
   * halves. Seeded by the text, so it stays deterministic.
   */
  static List<String> messy(List<String> replyTokens) {
    String text = String.join("", replyTokens);
    SplittableRandom random = new SplittableRandom(text.hashCode());
    int forcedCut = -1;
    for (int i = 0; i < text.length(); i++) {
      if (Character.isHighSurrogate(text.charAt(i))) {
        forcedCut = i + 1;
        break;
      }
    }
    List<String> deltas = new ArrayList<>();
    deltas.add("");
    int at = 0;
    while (at < text.length()) {
      int end = Math.min(text.length(), at + 1 + random.nextInt(10));
      if (forcedCut > at && forcedCut < end) {
        end = forcedCut;
      }
      deltas.add(text.substring(at, end));
      if (random.nextInt(6) == 0) {
        deltas.add("");
      }
      at = end;
    }
    return deltas;
  }

  /**
   * Plays back a prepared reply (text deltas or tool-call fragments); {@link #close()} wakes a
   * paused {@link #next()} at once. With a {@code failAfter}, the event after that many non-empty
   * deltas is a mid-stream failure.
   */
  private static final class MockStream implements UpstreamStream {
    /** The prepared reply; null once closed, so that a closed stream holds none of it. */
    private volatile List<StreamEvent> deltas;

    private final String finishReason;
    private final StreamEvent.Usage usage;
    private final long[] waitsMs; // before each delta
    private final int failAfter;
    private final CountDownLatch closed = new CountDownLatch(1);
    private int position;
    private int sent;

    MockStream(
        List<StreamEvent> deltas,
        String finishReason,
        StreamEvent.Usage usage,
        long[] waitsMs,
        int failAfter) {
      this.deltas = deltas;
      this.finishReason = finishReason;
      this.usage = usage;
      this.waitsMs = waitsMs;
      this.failAfter = failAfter;
    }

    @Override
    public StreamEvent next() throws InterruptedException {
      StreamEvent event = produce();
      if (event instanceof StreamEvent.Text text && !text.text().isEmpty()) {
        sent++;
      }
      return event;
    }

    private StreamEvent produce() throws InterruptedException {
      List<StreamEvent> deltas = this.deltas;
      if (deltas == null) {
        return null;
      }
      if (sent == failAfter && position <= deltas.size()) {
        throw new UpstreamException(
            500,
            "server_error",
            null,
            null,
            "The mock failed after " + sent + " tokens, as sluice.mock.fail_after asked.");
      }
      int index = position++;
      if (index < deltas.size()) {
        long wait = waitsMs[index];
        if (wait > 0 && closed.await(wait, TimeUnit.MILLISECONDS)) {
          return null;
        }
        return deltas.get(index);
      }
      if (index == deltas.size()) {
        return new StreamEvent.Finish(finishReason);
      }
      if (index == deltas.size() + 1) {
        return usage;
      }
      return null;
    }

    @Override
    public void close() {
      closed.countDown();
      // Whoever holds this stream after its end (a handler blocked on a stalled client) must not
      // keep the whole reply alive.
      deltas = null;
    }
  }
}
