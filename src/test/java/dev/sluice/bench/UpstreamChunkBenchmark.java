package dev.sluice.bench;

import dev.sluice.openai.ByteSink;
import dev.sluice.openai.ChunkDecoder;
import dev.sluice.openai.ChunkEncoder;
import dev.sluice.openai.StreamEvent;
import dev.sluice.stream.SseFrame;
import dev.sluice.stream.SseParser;
import java.nio.CharBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-chunk work on both sides of Sluice, each without the network: reading one upstream {@code
 * chat.completion.chunk} event (SSE parsing plus JSON decoding into events), and writing one client
 * frame (chunk JSON plus the SSE frame with its id). Run with {@code bin/bench Upstream}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UpstreamChunkBenchmark {
  /** A content chunk as OpenAI streams it (shared/PROTOCOLS.md), with its SSE framing. */
  private static final char[] EVENT =
      ("data: {\"id\":\"chatcmpl-AMVnjqqyc5ZwTUWF28VirChLR8GvI\",\"object\":"
              + "\"chat.completion.chunk\",\"created\":1795607608,\"model\":\"gpt-4o-mini-2024-07-18\","
              + "\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[{\"index\":0,\"delta\":"
              + "{\"content\":\" streaming\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n")
          .toCharArray();

  private final StreamEvent[] last = new StreamEvent[1];
  private final SseParser parser =
      new SseParser(event -> ChunkDecoder.decode(event.data(), e -> last[0] = e));
  private final ChunkEncoder encoder =
      new ChunkEncoder("chatcmpl-AMVnjqqyc5ZwTUWF28VirChLR8GvI", 1795607608L, "gpt-4o-mini", false);
  private long id;

  @Benchmark
  public StreamEvent readUpstreamEvent() {
    parser.feed(CharBuffer.wrap(EVENT));
    return last[0];
  }

  @Benchmark
  public byte[] writeClientFrame() {
    ByteSink chunk = encoder.text(" streaming");
    return SseFrame.of(id++, chunk.array(), 0, chunk.length());
  }
}
