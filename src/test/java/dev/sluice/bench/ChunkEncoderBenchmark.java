package dev.sluice.bench;

import dev.sluice.openai.ByteSink;
import dev.sluice.openai.ChunkEncoder;
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

/** Cost of encoding one content chunk as chat.completion.chunk JSON. Run with bin/bench. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkEncoderBenchmark {
  private final ChunkEncoder encoder =
      new ChunkEncoder("chatcmpl-AMVnjqqyc5ZwTUWF28VirChLR8GvI", 1795607608L, "gpt-4o-mini", false);

  @Benchmark
  public int contentChunk() {
    ByteSink chunk = encoder.text(" streaming");
    return chunk.length();
  }
}
