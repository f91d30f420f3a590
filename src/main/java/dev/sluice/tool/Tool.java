package dev.sluice.tool;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A function an agent's model may call. Implementations are stateless and thread-safe: an agent
 * runs several calls of one tool at once, each on its own virtual thread.
 *
 * <p>Cancellation: a call runs on a thread that is interrupted when its run is cancelled; a tool
 * that blocks (I/O, waiting) must give up promptly when interrupted.
 */
public interface Tool {

  /** The function name the model calls, e.g. {@code calculator}. */
  String name();

  /** What the tool does, for the model. */
  String description();

  /** The JSON Schema of the arguments object, sent to the model as {@code parameters}. */
  JsonNode parameters();

  /**
   * Runs the tool.
   *
   * @param arguments the arguments object the model sent, already parsed
   * @return the result, as text for the model
   * @throws ToolException when the call fails; its message goes back to the model as the result, so
   *     it should say what was wrong and how to call the tool correctly
   */
  String call(JsonNode arguments) throws ToolException, InterruptedException;
}
