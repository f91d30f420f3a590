package dev.sluice.config;

import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} substitution from the environment, as in shells and
 * docker-compose. An unset variable without a default is an error naming it, so that a missing
 * secret is found at startup rather than as a 401 from the upstream; {@code $${} escapes.
 */
final class Interpolation {
  private static final Pattern VAR =
      Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private Interpolation() {}

  static String apply(
      String text, Map<String, String> env, Function<String, ConfigException> error) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$${")) {
        replacement = "${";
      } else {
        String value = env.get(m.group(1));
        if (value == null || value.isEmpty()) {
          if (m.group(2) == null) {
            throw error.apply(
                "environment variable "
                    + m.group(1)
                    + " is not set; set it, or write ${"
                    + m.group(1)
                    + ":-default}");
          }
          value = m.group(3);
        }
        replacement = value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
