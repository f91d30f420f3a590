package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code fallbacks}, {@code retry} and timeout keys of a model: defaults, values, errors. */
class ResilienceConfigTest {
  @TempDir Path dir;

  private SluiceConfig load(String yaml) throws IOException {
    Path file = dir.resolve("sluice.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of()).parse(file);
  }

  private ModelConfig model(SluiceConfig config, String name) {
    return config.models().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void defaultsWhenNothingIsSaid() throws IOException {
    Resilience r =
        model(load("models:\n  - name: fast\n    provider: openai\n"), "fast").resilience();

    assertThat(r).isEqualTo(Resilience.DEFAULTS);
    assertThat(r.fallbacks()).isEmpty();
    assertThat(r.retry().maxAttempts()).isEqualTo(3);
    assertThat(r.retry().initialBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(r.retry().maxBackoff()).isEqualTo(Duration.ofMillis(4000));
    assertThat(r.retry().budget()).isEqualTo(Duration.ofMillis(20_000));
    assertThat(r.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(r.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(ModelConfig.mock().resilience()).isEqualTo(Resilience.DEFAULTS);
  }

  @Test
  void readsEveryKey() throws IOException {
    SluiceConfig config =
        load(
            """
            models:
              - name: fast
                provider: openai
                fallbacks: [local, mock, gpt-4o-mini]
                retry: {max_attempts: 5, initial_backoff_ms: 100, max_backoff_ms: 800, budget_ms: 3000}
                first_token_timeout_ms: 15000
                idle_timeout_ms: 7000
              - name: local
                provider: openai
                base_url: http://127.0.0.1:11434/v1
                retry:
                  max_attempts: 1
              - name: "gpt-*"
                provider: openai
            """);

    Resilience fast = model(config, "fast").resilience();
    assertThat(fast.fallbacks())
        .as("a later model, the implicit mock, a name a pattern serves")
        .containsExactly("local", "mock", "gpt-4o-mini");
    assertThat(fast.retry())
        .isEqualTo(
            new Resilience.RetryPolicy(
                5, Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofMillis(3000)));
    assertThat(fast.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(fast.idleTimeout()).isEqualTo(Duration.ofSeconds(7));
    Resilience local = model(config, "local").resilience();
    assertThat(local.retry().maxAttempts()).isEqualTo(1);
    assertThat(local.retry().budget()).isEqualTo(Duration.ofMillis(20_000));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          fallbacks: [nowhere]      | models[0].fallbacks[0]: 'nowhere' is not a configured model; use one of: mock, other
          fallbacks: [fast]         | models[0].fallbacks[0]: 'fast' is this model itself
          fallbacks: [other, other] | models[0].fallbacks[1]: 'other' is listed twice
          fallbacks: ['oth*']       | models[0].fallbacks[0]: 'oth*' is not a configured model
          fallbacks: other          | models[0].fallbacks: must be a list of model names
          fallbacks: [1]            | models[0].fallbacks[0]: must be a model name
          retry: 3                  | models[0].retry: must be a mapping
          retry: {attempts: 3}      | models[0].retry.attempts: unknown key; expected one of: budget_ms, initial_backoff_ms, max_attempts, max_backoff_ms
          retry: {max_attempts: 0}  | models[0].retry.max_attempts: 0 is out of range 1..100
          retry: {budget_ms: -1}    | models[0].retry.budget_ms: -1 is out of range
          retry: {initial_backoff_ms: 500, max_backoff_ms: 100} | models[0].retry.max_backoff_ms: 100 is less than initial_backoff_ms (500)
          retry: {max_attempts: two} | models[0].retry.max_attempts: 'two' is not a whole number
          first_token_timeout_ms: 0 | models[0].first_token_timeout_ms: 0 is out of range 1..3600000
          idle_timeout_ms: 1.5      | models[0].idle_timeout_ms: '1.5' is not a whole number
          """)
  void badValuesNameTheFileAndTheField(String line, String message) {
    String yaml =
        "models:\n  - name: fast\n    provider: openai\n    "
            + line
            + "\n  - name: other\n    provider: mock\n";

    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(dir.resolve("sluice.yaml") + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void theIndexInAFallbackErrorIsTheFilesEvenWithAnExplicitMock() {
    String yaml =
        """
        models:
          - name: mock
            provider: mock
          - name: fast
            provider: openai
            fallbacks: [slow]
        """;

    assertThatThrownBy(() -> load(yaml))
        .hasMessageContaining("models[1].fallbacks[0]: 'slow' is not a configured model");
  }

  @Test
  void oldConstructorsKeepTheDefaults() {
    ModelConfig seven = new ModelConfig("a", "mock", null, null, null, null, Duration.ofSeconds(1));
    ModelConfig withFallback =
        seven.withResilience(Resilience.DEFAULTS.withFallbacks(List.of("mock")));

    assertThat(seven.resilience()).isEqualTo(Resilience.DEFAULTS);
    assertThat(withFallback.resilience().fallbacks()).containsExactly("mock");
    assertThat(withFallback.name()).isEqualTo("a");
    assertThat(withFallback.chunking()).isEqualTo(seven.chunking());
  }
}
