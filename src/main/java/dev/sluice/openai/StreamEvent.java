package dev.sluice.openai;

/**
 * What a provider produces and the pipeline relays: the model-neutral content of one {@code
 * chat.completion.chunk}. Providers emit them in the order the model produced them.
 */
public sealed interface StreamEvent {

  /** A piece of the assistant's text. Providers may emit empty ones; the pipeline drops them. */
  record Text(String text) implements StreamEvent {}

  /**
   * A fragment of a tool call, as in OpenAI's {@code delta.tool_calls[]}: the first fragment of an
   * {@code index} carries {@code id} and {@code name}; later ones only a piece of {@code
   * arguments}. Unused fields are null.
   */
  record ToolCall(int index, String id, String name, String arguments) implements StreamEvent {}

  /** The end of the choice: {@code stop}, {@code length}, {@code tool_calls}, ... */
  record Finish(String reason) implements StreamEvent {}

  /** Token usage of the whole request. */
  record Usage(int promptTokens, int completionTokens) implements StreamEvent {
    public int totalTokens() {
      return promptTokens + completionTokens;
    }
  }
}
