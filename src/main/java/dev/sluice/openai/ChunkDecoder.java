package dev.sluice.openai;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.error.UpstreamException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the {@code data:} payload of an upstream {@code chat.completion.chunk} into events: the
 * first choice's content, tool-call fragments and finish reason, and the usage when present. An
 * {@code {"error": ...}} payload is thrown as the upstream's error. Stateless and thread-safe.
 *
 * <p>This runs once per upstream chunk, so it walks the JSON with Jackson's streaming parser and
 * skips what it does not need, instead of building a tree of every field (which cost about a tenth
 * of Sluice's CPU per relayed chunk when profiled; see docs/benchmarks.md).
 */
public final class ChunkDecoder {
  private ChunkDecoder() {}

  /** Decodes one payload, passing its events to {@code out} in wire order. */
  public static void decode(String payload, Consumer<StreamEvent> out) {
    Chunk chunk = new Chunk();
    try (JsonParser p = Json.MAPPER.getFactory().createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new UpstreamException(
            502, "The upstream sent a stream chunk that is not an object", null);
      }
      readChunk(p, chunk);
    } catch (JacksonException e) {
      throw new UpstreamException(
          502, "The upstream sent a malformed stream chunk: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException(e); // Reading from a String cannot fail.
    }
    chunk.emit(out);
  }

  /** What one chunk says, gathered in any field order and emitted in the order OpenAI means. */
  private static final class Chunk {
    String content;
    final List<StreamEvent.ToolCall> toolCalls = new ArrayList<>(0);
    String finish;
    StreamEvent.Usage usage;

    void emit(Consumer<StreamEvent> out) {
      if (content != null) {
        out.accept(new StreamEvent.Text(content));
      }
      toolCalls.forEach(out);
      if (finish != null) {
        out.accept(new StreamEvent.Finish(finish));
      }
      if (usage != null) {
        out.accept(usage);
      }
    }
  }

  private static void readChunk(JsonParser p, Chunk chunk) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "choices" -> {
          if (value == JsonToken.START_ARRAY) {
            readChoices(p, chunk);
          } else {
            p.skipChildren();
          }
        }
        case "usage" -> {
          if (value == JsonToken.START_OBJECT) {
            chunk.usage = readUsage(p);
          } else {
            p.skipChildren();
          }
        }
        case "error" -> {
          if (value != JsonToken.VALUE_NULL) {
            throw midStreamError(p, value);
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  /** Only the first choice is relayed (Sluice asks upstreams for n=1). */
  private static void readChoices(JsonParser p, Chunk chunk) throws IOException {
    boolean first = true;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (first && p.currentToken() == JsonToken.START_OBJECT) {
        readChoice(p, chunk);
      } else {
        p.skipChildren();
      }
      first = false;
    }
  }

  private static void readChoice(JsonParser p, Chunk chunk) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("delta") && value == JsonToken.START_OBJECT) {
        readDelta(p, chunk);
      } else if (field.equals("finish_reason") && value != JsonToken.VALUE_NULL) {
        chunk.finish = p.getValueAsString();
        p.skipChildren();
      } else {
        p.skipChildren();
      }
    }
  }

  private static void readDelta(JsonParser p, Chunk chunk) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("content") && value == JsonToken.VALUE_STRING) {
        chunk.content = p.getText();
      } else if (field.equals("tool_calls") && value == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          chunk.toolCalls.add(readToolCall(p));
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static StreamEvent.ToolCall readToolCall(JsonParser p) throws IOException {
    int index = 0;
    String id = null;
    String name = null;
    String arguments = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "index" -> index = p.getValueAsInt(0);
        case "id" -> id = text(p, value);
        case "function" -> {
          if (value == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken v = p.nextToken();
              if (f.equals("name")) {
                name = text(p, v);
              } else if (f.equals("arguments")) {
                arguments = text(p, v);
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return new StreamEvent.ToolCall(index, id, name, arguments);
  }

  private static StreamEvent.Usage readUsage(JsonParser p) throws IOException {
    int prompt = 0;
    int completion = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "prompt_tokens" -> prompt = p.getValueAsInt(0);
        case "completion_tokens" -> completion = p.getValueAsInt(0);
        default -> p.skipChildren();
      }
    }
    return new StreamEvent.Usage(prompt, completion);
  }

  /** A scalar as text (numbers and booleans too, as the tree reader did); null for JSON null. */
  private static String text(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value.isScalarValue()) {
      return p.getValueAsString();
    }
    p.skipChildren();
    return "";
  }

  /** The upstream's {@code error} (an object, or anything else taken as its message). */
  private static UpstreamException midStreamError(JsonParser p, JsonToken value)
      throws IOException {
    String type = "upstream_error";
    String code = null;
    String message = value.isScalarValue() ? p.getValueAsString() : null;
    if (value == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "type" -> type = v == JsonToken.VALUE_NULL ? type : text(p, v);
          case "code" -> code = text(p, v);
          case "message" -> message = text(p, v);
          default -> p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    return new UpstreamException(
        502,
        type,
        code,
        null,
        "The upstream reported an error mid-stream: "
            + (message == null ? "no message given" : message));
  }
}
