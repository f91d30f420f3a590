package dev.sluice.provider;

import dev.sluice.openai.ChatRequest;

/**
 * A source of chat completions: the embedded mock, or an upstream API.
 *
 * <p>{@link #open} blocks until the provider has accepted the request (for an upstream: until it
 * answered 200 with an event stream), so that a refusal can still be reported to the client with
 * its own status. Call it on a virtual thread. Implementations are thread-safe and shared by all
 * requests for their model.
 */
public interface ChatProvider {

  /**
   * Starts generating a reply to {@code request}.
   *
   * @param upstreamModel the provider's name for the model
   * @throws dev.sluice.error.SluiceException when the request is refused before any output: bad
   *     options (400) or the upstream's own error, relayed with its status
   */
  UpstreamStream open(ChatRequest request, String upstreamModel) throws InterruptedException;
}
