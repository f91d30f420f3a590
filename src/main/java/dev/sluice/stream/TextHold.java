package dev.sluice.stream;

/**
 * Keeps a text delta from ending between the two UTF-16 halves of one character (an emoji, say): a
 * trailing high surrogate is held back and sent with the next delta. Such a half cannot be encoded
 * as UTF-8 on its own, so sending it would corrupt the character for every client. Not thread-safe.
 */
final class TextHold {
  private String held = "";

  /** The part of {@code held + delta} that can be sent now; may be empty. */
  String add(String delta) {
    String text = held.isEmpty() ? delta : held + delta;
    int end = text.length();
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      held = text.substring(end - 1);
      return text.substring(0, end - 1);
    }
    held = "";
    return text;
  }

  /** Whatever is held, released because nothing more will complete it. */
  String drain() {
    String text = held;
    held = "";
    return text;
  }
}
