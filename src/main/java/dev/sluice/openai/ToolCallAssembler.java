package dev.sluice.openai;

import dev.sluice.openai.StreamEvent.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Joins streamed tool-call fragments per {@code index}, as OpenAI's clients do: the first fragment
 * of an index brings id and name, later ones append to the arguments. Not thread-safe.
 */
public final class ToolCallAssembler {
  private final TreeMap<Integer, Builder> calls = new TreeMap<>();

  public void add(ToolCall fragment) {
    Builder call = calls.computeIfAbsent(fragment.index(), i -> new Builder());
    if (fragment.id() != null) {
      call.id = fragment.id();
    }
    if (fragment.name() != null) {
      call.name.append(fragment.name());
    }
    if (fragment.arguments() != null) {
      call.arguments.append(fragment.arguments());
    }
  }

  public boolean isEmpty() {
    return calls.isEmpty();
  }

  /** The calls so far, ordered by index. */
  public List<AssembledToolCall> calls() {
    List<AssembledToolCall> result = new ArrayList<>(calls.size());
    calls.forEach(
        (index, b) ->
            result.add(
                new AssembledToolCall(index, b.id, b.name.toString(), b.arguments.toString())));
    return result;
  }

  private static final class Builder {
    String id;
    final StringBuilder name = new StringBuilder();
    final StringBuilder arguments = new StringBuilder();
  }
}
