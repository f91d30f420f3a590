package dev.sluice.provider;

import dev.sluice.openai.ChatMessage;
import dev.sluice.openai.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The mock's reply to a request: deterministic (the same messages and seed give the same text), cut
 * at the first stop sequence and at max_tokens as a real model would be.
 *
 * @param tokens the reply as the model "generates" it: words with their leading space, and
 *     punctuation, one per token
 * @param finishReason {@code stop}, or {@code length} when max_tokens cut it short
 */
record MockReply(List<String> tokens, String finishReason) {
  private static final String[] WORDS = {
    "sluice", "stream", "token", "river", "gate", "water", "flow", "server", "event", "model",
    "chunk", "byte", "steady", "quiet", "bright", "careful", "swift", "open", "small", "clear",
    "café", "naïve", "déjà", "über", "señor", "日本", "🚀", "✨", "the", "a", "and", "of", "to",
    "runs", "holds", "carries", "answers", "listens", "waits", "flushes", "sends", "reads"
  };

  static MockReply of(ChatRequest request, MockOptions options) {
    String text;
    if (options.text() != null) {
      text = options.text();
    } else if (request.messages().getLast().role().equals("tool")) {
      text = MockToolCalls.answerFromToolResults(request);
    } else {
      text = generate(request, options.tokens());
    }
    String finish = "stop";
    for (String stop : request.stop()) {
      int at = stop.isEmpty() ? -1 : text.indexOf(stop);
      if (at >= 0) {
        text = text.substring(0, at);
      }
    }
    List<String> tokens = tokenize(text);
    Integer max = request.maxTokens();
    if (max != null && tokens.size() > max) {
      tokens = List.copyOf(tokens.subList(0, max));
      finish = "length";
    }
    return new MockReply(tokens, finish);
  }

  /**
   * Sentences of plain words, seeded by the conversation so that a request always gets one reply.
   */
  private static String generate(ChatRequest request, int tokenCount) {
    long seed = request.seed() == null ? 17 : request.seed();
    for (ChatMessage m : request.messages()) {
      seed = seed * 31 + m.role().hashCode();
      seed = seed * 31 + m.text().hashCode();
    }
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder();
    int tokens = 0;
    boolean sentenceStart = true;
    while (tokens < tokenCount) {
      boolean endSentence = !sentenceStart && (random.nextInt(8) == 0 || tokens == tokenCount - 1);
      if (endSentence) {
        text.append('.');
        sentenceStart = true;
      } else {
        String word = WORDS[random.nextInt(WORDS.length)];
        if (!text.isEmpty()) {
          text.append(' ');
        }
        text.append(sentenceStart ? capitalize(word) : word);
        sentenceStart = false;
      }
      tokens++;
    }
    return text.toString();
  }

  private static String capitalize(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  /**
   * Splits text into tokens: a run of letters or digits with the whitespace before it, or one other
   * character.
   */
  static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i < text.length() && Character.isLetterOrDigit(text.codePointAt(i))) {
        while (i < text.length() && Character.isLetterOrDigit(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
      } else if (i < text.length()) {
        i += Character.charCount(text.codePointAt(i));
      }
      tokens.add(text.substring(start, i));
    }
    return tokens;
  }
}
