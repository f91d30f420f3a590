package dev.sluice.tool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts {@code http_get} may reach: exact host names or IP addresses ({@code api.example.com},
 * {@code 127.0.0.1}, {@code ::1}), and wildcards {@code *.example.com} that match any subdomain at
 * any depth, but not {@code example.com} itself (list it too if it is meant). Matching ignores case
 * and a trailing dot. Ports are not part of an entry: an allowed host is allowed on every port.
 *
 * <p>The list is checked against the host name in the URL, before any connection, on every
 * redirect. It does not check the addresses a name resolves to: allow only hosts whose DNS is
 * trusted not to point into a private network. Immutable and thread-safe.
 */
final class HostAllowList {
  private final List<String> entries;
  private final List<String> exact = new ArrayList<>();
  private final List<String> suffixes = new ArrayList<>();

  private HostAllowList(List<String> entries) {
    this.entries = List.copyOf(entries);
    for (String entry : this.entries) {
      if (entry.startsWith("*.")) {
        suffixes.add(entry.substring(1)); // ".example.com"
      } else {
        exact.add(entry);
      }
    }
  }

  /**
   * Parses configured entries.
   *
   * @throws IllegalArgumentException for an entry that is not a host name, an IP address or {@code
   *     *.} followed by a host name, saying which entry and why
   */
  static HostAllowList of(List<String> configured) {
    List<String> entries = new ArrayList<>();
    for (String raw : configured) {
      if (raw == null || raw.isBlank()) {
        throw new IllegalArgumentException("An http_get allowed host is empty");
      }
      String entry = normalize(raw.strip());
      String host = entry.startsWith("*.") ? entry.substring(2) : entry;
      boolean ipv6 = host.indexOf(':') != host.lastIndexOf(':');
      if (host.isEmpty()
          || host.contains("*")
          || host.contains("/")
          || host.contains("@")
          || (host.contains(":") && !ipv6)
          || host.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "Bad http_get allowed host \""
                + raw
                + "\": expected a host name such as api.example.com, an IP address, or"
                + " *.example.com for its subdomains (no scheme, port or path)");
      }
      entries.add(entry);
    }
    return new HostAllowList(entries);
  }

  /** Whether {@code host}, as {@link java.net.URI#getHost} gives it, may be reached. */
  boolean allows(String host) {
    String name = normalize(host);
    if (exact.contains(name)) {
      return true;
    }
    for (String suffix : suffixes) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return true;
      }
    }
    return false;
  }

  /** The entries for a message, e.g. {@code 127.0.0.1, *.example.com}. */
  String describe() {
    return entries.isEmpty() ? "none (the server allows no hosts)" : String.join(", ", entries);
  }

  List<String> entries() {
    return entries;
  }

  private static String normalize(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1); // URI keeps IPv6 literals in brackets
    }
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name;
  }
}
