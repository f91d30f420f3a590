package dev.sluice.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration Sluice uses for the OpenAI wire format. Immutable, thread-safe. */
public final class Json {
  /** Strict reader: trailing garbage after the JSON value is an error, as it is at OpenAI. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  // Jackson's default pool keeps its buffers per thread; every request and stream
                  // here has a virtual thread of its own, which kept about 12 KiB of buffers alive
                  // per open stream (measured with 10,000 open streams, docs/benchmarks.md). One
                  // shared pool reuses them across threads.
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(200).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Emoji and other astral characters as UTF-8, as OpenAI sends them, not as two escaped
          // UTF-16 halves.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private Json() {}
}
