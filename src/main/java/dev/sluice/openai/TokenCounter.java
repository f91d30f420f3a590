package dev.sluice.openai;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;

/**
 * Counts tokens with OpenAI's {@code o200k_base} encoding (the GPT-4o and o-series tokenizer, via
 * the jtokkit library), so that {@code usage} can be answered when an upstream sends none, and for
 * the mock. For other model families the count is an approximation of the same order.
 *
 * <p>Prompt tokens follow OpenAI's published rule of thumb: 3 tokens of framing per message plus
 * its role and text, and 3 to prime the reply. Thread-safe. The encoding (about a second of CPU to
 * load) is loaded once per process, on first use; threads that need it meanwhile wait for that load
 * instead of each loading a copy, as a burst of first requests otherwise would.
 */
public final class TokenCounter {
  private static volatile Encoding encoding;

  public int count(String text) {
    return text.isEmpty() ? 0 : encoding().countTokensOrdinary(text);
  }

  public int countPrompt(List<ChatMessage> messages) {
    int tokens = 3;
    for (ChatMessage message : messages) {
      tokens += 3 + count(message.role()) + count(message.text());
    }
    return tokens;
  }

  private static Encoding encoding() {
    Encoding e = encoding;
    return e != null ? e : load();
  }

  private static synchronized Encoding load() {
    if (encoding == null) {
      encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }
    return encoding;
  }
}
