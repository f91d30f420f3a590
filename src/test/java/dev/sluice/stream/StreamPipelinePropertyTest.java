package dev.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.error.SluiceException;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.ChatRequestParser;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.TokenCounter;
import dev.sluice.provider.UpstreamPump;
import dev.sluice.provider.UpstreamStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Feeds {@link StreamPipeline} generated upstream streams, whole: text cut at random places (empty
 * deltas, cuts inside characters and clusters, see {@link GeneratedDeltas}) with tool-call
 * fragments between, then maybe a finish and maybe a usage event, under a random policy; a
 * capturing {@link ChunkSink} records what comes out. Checked for every case: the text is lossless;
 * no text chunk is empty; tool-call fragments, the finish and the usage come out unchanged and in
 * order (a finish {@code stop} and a counted usage are added when the upstream sent none); and
 * before each of them exactly the text that preceded it upstream has been sent, so no held text is
 * overtaken. Replay a failure with {@code -Dsluice.seed=<seed>}.
 */
class StreamPipelinePropertyTest {
  private static final int CASES = 2_000;
  private static final long SEED = Long.getLong("sluice.seed", System.nanoTime());
  private static final ChatRequest REQUEST =
      new ChatRequestParser()
          .parse(
              "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                  .getBytes(StandardCharsets.UTF_8));

  private final StreamPipeline pipeline =
      new StreamPipeline(new SluiceMetrics(), new TokenCounter());

  @Test
  void generatedStreamsComeOutLosslessAndInOrder() throws Exception {
    Random seeds = new Random(SEED);
    for (int n = 0; n < CASES; n++) {
      long seed = seeds.nextLong();
      try {
        check(new Random(seed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "case "
                + n
                + " failed; replay with -Dsluice.seed="
                + SEED
                + " (case seed "
                + seed
                + ")",
            e);
      }
    }
  }

  private void check(Random random) throws Exception {
    List<StreamEvent> upstream = generate(random);
    ChunkingPolicy policy = ChunkingPolicy.values()[random.nextInt(ChunkingPolicy.values().length)];
    Capture sink = new Capture();
    try (UpstreamPump pump = new UpstreamPump(new Playback(upstream))) {
      StreamPipeline.Outcome outcome =
          pipeline.run(
              REQUEST,
              "req-prop",
              pump,
              sink,
              new Chunking(policy, Duration.ofMillis(40)),
              System.nanoTime());
      assertThat(outcome).isEqualTo(StreamPipeline.Outcome.COMPLETED);
    }
    assertThat(sink.started).isTrue();
    assertThat(sink.ended).isTrue();

    // What must come out besides text, each with the text that came before it upstream.
    List<StreamEvent> expected = new ArrayList<>();
    List<String> textBefore = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (StreamEvent event : upstream) {
      if (event instanceof StreamEvent.Text t) {
        text.append(t.text());
      } else {
        expected.add(event);
        textBefore.add(text.toString());
      }
    }
    if (expected.stream().noneMatch(e -> e instanceof StreamEvent.Finish)) {
      int at =
          expected.isEmpty() || !(expected.getLast() instanceof StreamEvent.Usage)
              ? expected.size()
              : expected.size() - 1;
      expected.add(at, new StreamEvent.Finish("stop"));
      textBefore.add(at, text.toString());
    }
    boolean counted = expected.stream().noneMatch(e -> e instanceof StreamEvent.Usage);

    List<StreamEvent> others = new ArrayList<>();
    List<String> sentBefore = new ArrayList<>();
    StringBuilder sent = new StringBuilder();
    for (StreamEvent event : sink.events) {
      if (event instanceof StreamEvent.Text t) {
        assertThat(t.text()).as("a text chunk").isNotEmpty();
        sent.append(t.text());
      } else {
        others.add(event);
        sentBefore.add(sent.toString());
      }
    }
    assertThat(sent.toString()).as("the text, lossless").isEqualTo(text.toString());
    if (counted) {
      assertThat(others.getLast())
          .as("a counted usage, last")
          .isInstanceOf(StreamEvent.Usage.class);
      others.removeLast();
      sentBefore.removeLast();
    }
    assertThat(others)
        .as("tool calls, finish and usage, unchanged and in order")
        .isEqualTo(expected);
    assertThat(sentBefore).as("the text sent before each of them").isEqualTo(textBefore);
  }

  /**
   * Text pieces, each cut into deltas, with runs of tool-call fragments between some of them; then
   * a finish (usually) and a usage event (often), as OpenAI ends a stream.
   */
  private static List<StreamEvent> generate(Random random) {
    SplittableRandom split = new SplittableRandom(random.nextLong());
    List<StreamEvent> events = new ArrayList<>();
    int pieces = random.nextInt(5);
    int calls = 0;
    for (int p = 0; p < pieces; p++) {
      for (String delta : GeneratedDeltas.split(split, GeneratedDeltas.text(split))) {
        events.add(new StreamEvent.Text(delta));
      }
      if (random.nextInt(3) == 0) {
        int index = calls++;
        events.add(new StreamEvent.ToolCall(index, "call_" + index, "tool_" + index, ""));
        for (int f = random.nextInt(4); f > 0; f--) {
          events.add(
              new StreamEvent.ToolCall(index, null, null, "{\"a\":" + random.nextInt(100) + "}"));
        }
      }
    }
    if (random.nextInt(5) > 0) {
      events.add(new StreamEvent.Finish(calls > 0 ? "tool_calls" : "stop"));
    }
    if (random.nextBoolean()) {
      events.add(new StreamEvent.Usage(random.nextInt(1000), random.nextInt(1000)));
    }
    return events;
  }

  /** An upstream that plays the given events back at once, then ends. */
  private record Playback(Iterator<StreamEvent> events) implements UpstreamStream {
    Playback(List<StreamEvent> events) {
      this(List.copyOf(events).iterator());
    }

    @Override
    public synchronized StreamEvent next() {
      return events.hasNext() ? events.next() : null;
    }

    @Override
    public void close() {}
  }

  /** Records everything the pipeline delivers, in order. */
  private static final class Capture implements ChunkSink {
    final List<StreamEvent> events = new ArrayList<>();
    boolean started;
    boolean ended;

    @Override
    public void start() {
      assertThat(started).isFalse();
      started = true;
    }

    @Override
    public void accept(StreamEvent event) {
      assertThat(started && !ended).as("accept between start and end").isTrue();
      events.add(event);
    }

    @Override
    public void end() {
      ended = true;
    }

    @Override
    public void fail(SluiceException error) {
      throw new AssertionError("the stream failed", error);
    }
  }
}
