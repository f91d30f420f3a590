package dev.sluice.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which hosts an allow-list lets through, and which entries it refuses to be configured with. */
class HostAllowListTest {
  private static final HostAllowList LIST =
      HostAllowList.of(
          List.of("api.example.org", "*.example.com", "127.0.0.1", "::1", "Docs.Test."));

  @ParameterizedTest(name = "{0} allowed: {1}")
  @CsvSource({
    "api.example.org, true",
    "API.Example.ORG, true",
    "api.example.org., true",
    "example.org, false",
    "www.api.example.org, false",
    "a.example.com, true",
    "a.b.example.com, true",
    "example.com, false",
    "badexample.com, false",
    "example.com.evil.net, false",
    "a.example.com.evil.net, false",
    "127.0.0.1, true",
    "127.0.0.2, false",
    "[::1], true",
    "::1, true",
    "docs.test, true",
    "localhost, false",
  })
  void matchesExactNamesAndSubdomainWildcards(String host, boolean allowed) {
    assertThat(LIST.allows(host)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "*",
        "*.",
        "a.*.com",
        "http://example.com",
        "example.com:8080",
        "a/b",
        "u@h"
      })
  void refusesEntriesThatAreNotHosts(String entry) {
    assertThatThrownBy(() -> HostAllowList.of(List.of(entry)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowed host");
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "*.example.com", "10.0.0.1", "fe80::1", "[::1]"})
  void acceptsHostsAddressesAndWildcards(String entry) {
    assertThat(HostAllowList.of(List.of(entry)).entries()).hasSize(1);
  }
}
