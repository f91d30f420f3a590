package dev.sluice.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.sluice.openai.StreamEvent.Finish;
import dev.sluice.openai.StreamEvent.ToolCall;
import dev.sluice.openai.StreamEvent.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes the events of one response as OpenAI {@code chat.completion.chunk} JSON, with the field
 * order and shapes OpenAI itself sends (see shared/PROTOCOLS.md): every chunk carries the same
 * {@code id} and {@code created}; {@code "usage":null} appears on each chunk only when the client
 * asked for {@code stream_options.include_usage}, as OpenAI does.
 *
 * <p>Each method encodes into one reused buffer and returns it; the bytes are valid until the next
 * call. Not thread-safe: one encoder per stream.
 */
public final class ChunkEncoder {
  private final String id;
  private final long created;
  private final String model;
  private final boolean includeUsage;
  private final ByteSink out = new ByteSink();
  private final byte[] textPrefix;
  private final byte[] textSuffix;

  public ChunkEncoder(String id, long created, String model, boolean includeUsage) {
    this.id = id;
    this.created = created;
    this.model = model;
    this.includeUsage = includeUsage;
    // Text chunks are most of a stream: they are written from a template, the bytes the generator
    // writes around a marker content, with only the text escaped per chunk (docs/benchmarks.md).
    byte[] bytes = textByGenerator(MARKER).toByteArray();
    int at = lastIndexOf(bytes, ESCAPED_MARKER);
    this.textPrefix = java.util.Arrays.copyOfRange(bytes, 0, at);
    this.textSuffix = java.util.Arrays.copyOfRange(bytes, at + ESCAPED_MARKER.length, bytes.length);
  }

  private static final String MARKER = String.valueOf((char) 1);
  private static final byte[] ESCAPED_MARKER =
      "\\u0001".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static int lastIndexOf(byte[] bytes, byte[] part) {
    outer:
    for (int i = bytes.length - part.length; i >= 0; i--) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("no marker in the text chunk template");
  }

  /** The first chunk: {@code delta: {"role":"assistant","content":""}}, exactly as OpenAI. */
  public ByteSink role() {
    return choice(
        g -> {
          g.writeStringField("role", "assistant");
          g.writeStringField("content", "");
        },
        null);
  }

  /** A content chunk: the template around the text, JSON-escaped as the generator escapes it. */
  public ByteSink text(String text) {
    out.reset();
    out.write(textPrefix, 0, textPrefix.length);
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    out.write(escaped, 0, escaped.length);
    out.write(textSuffix, 0, textSuffix.length);
    return out;
  }

  /** The same chunk written by the generator: what {@link #text} must equal, byte for byte. */
  ByteSink textByGenerator(String text) {
    return choice(g -> g.writeStringField("content", text), null);
  }

  public ByteSink toolCall(ToolCall call) {
    return choice(
        g -> {
          g.writeArrayFieldStart("tool_calls");
          g.writeStartObject();
          g.writeNumberField("index", call.index());
          if (call.id() != null) {
            g.writeStringField("id", call.id());
            g.writeStringField("type", "function");
          }
          g.writeObjectFieldStart("function");
          if (call.name() != null) {
            g.writeStringField("name", call.name());
          }
          if (call.arguments() != null) {
            g.writeStringField("arguments", call.arguments());
          }
          g.writeEndObject();
          g.writeEndObject();
          g.writeEndArray();
        },
        null);
  }

  /** The last choice chunk: an empty delta and the finish reason. */
  public ByteSink finish(Finish finish) {
    return choice(g -> {}, finish.reason());
  }

  /** The usage chunk OpenAI sends after the finish chunk: no choices, just usage. */
  public ByteSink usage(Usage usage) {
    return write(
        g -> {
          header(g);
          g.writeArrayFieldStart("choices");
          g.writeEndArray();
          g.writeFieldName("usage");
          writeUsage(g, usage);
          g.writeEndObject();
        });
  }

  static void writeUsage(JsonGenerator g, Usage usage) throws IOException {
    g.writeStartObject();
    g.writeNumberField("prompt_tokens", usage.promptTokens());
    g.writeNumberField("completion_tokens", usage.completionTokens());
    g.writeNumberField("total_tokens", usage.totalTokens());
    g.writeEndObject();
  }

  private ByteSink choice(Body delta, String finishReason) {
    return write(
        g -> {
          header(g);
          g.writeArrayFieldStart("choices");
          g.writeStartObject();
          g.writeNumberField("index", 0);
          g.writeObjectFieldStart("delta");
          delta.write(g);
          g.writeEndObject();
          g.writeNullField("logprobs");
          if (finishReason == null) {
            g.writeNullField("finish_reason");
          } else {
            g.writeStringField("finish_reason", finishReason);
          }
          g.writeEndObject();
          g.writeEndArray();
          if (includeUsage) {
            g.writeNullField("usage");
          }
          g.writeEndObject();
        });
  }

  private void header(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("object", "chat.completion.chunk");
    g.writeNumberField("created", created);
    g.writeStringField("model", model);
    g.writeNullField("system_fingerprint");
  }

  private ByteSink write(Body body) {
    out.reset();
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // Writing to memory cannot fail.
    }
    return out;
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }
}
