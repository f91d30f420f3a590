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

/**
 * The agent layer's sections of the YAML config: {@code storage:}, {@code tools:}, {@code agents:}.
 */
class AgentConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("sluice.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private SluiceConfig load(String yaml) throws IOException {
    return new ConfigLoader(Map.of()).load(write(yaml));
  }

  @Test
  void readsTheExampleOfTheAgentsIssue() throws IOException {
    SluiceConfig config =
        load(
            """
            storage:
              url: jdbc:sqlite:data/sluice.db      # the default; or jdbc:postgresql://...
            agents:
              - id: helper
                name: Helper
                model: mock
                instructions: You are a concise assistant.
                tools: [datetime, calculator]
            """);
    AgentSetup setup = config.agents();
    assertThat(setup.storage())
        .isEqualTo(new StorageConfig("jdbc:sqlite:data/sluice.db", null, null));
    assertThat(setup.tools()).isEqualTo(ToolsConfig.defaults());
    assertThat(setup.agents())
        .containsExactly(
            new AgentConfig(
                "helper",
                "Helper",
                null,
                "mock",
                "You are a concise assistant.",
                List.of("datetime", "calculator"),
                AgentConfig.DEFAULT_HISTORY_RUNS,
                AgentConfig.DEFAULT_MAX_STEPS));
  }

  @Test
  void readsEveryAgentSettingWithInterpolation() throws IOException {
    SluiceConfig config =
        new ConfigLoader(Map.of("PG_PASSWORD", "secret"))
            .load(
                write(
                    """
                    storage:
                      url: jdbc:postgresql://127.0.0.1/sluice
                      user: sluice
                      password: ${PG_PASSWORD}
                    tools:
                      http_get:
                        allow_hosts: [api.github.com, "*.wikipedia.org"]
                        max_bytes: 1024
                        timeout_ms: 500
                    models:
                      - {name: fast, provider: mock}
                    agents:
                      - id: fetcher
                        model: fast
                        description: Reads the web.
                        tools: [http_get]
                        history_runs: 0
                        max_steps: 2
                    """));
    AgentSetup setup = config.agents();
    assertThat(setup.storage())
        .isEqualTo(new StorageConfig("jdbc:postgresql://127.0.0.1/sluice", "sluice", "secret"));
    assertThat(setup.tools())
        .isEqualTo(
            new ToolsConfig(
                List.of("api.github.com", "*.wikipedia.org"), 1024, Duration.ofMillis(500)));
    AgentConfig fetcher = setup.agents().getFirst();
    assertThat(fetcher.name()).as("the name defaults to the id").isEqualTo("fetcher");
    assertThat(fetcher.instructions()).isEmpty();
    assertThat(fetcher.description()).isEqualTo("Reads the web.");
    assertThat(fetcher.tools()).containsExactly("http_get");
    assertThat(fetcher.historyRuns()).isZero();
    assertThat(fetcher.maxSteps()).isEqualTo(2);
  }

  @Test
  void theExampleConfigDefinesAnAgent() {
    SluiceConfig config = new ConfigLoader(Map.of()).load(Path.of("examples/sluice.yaml"));
    assertThat(config.agents().agents()).extracting(AgentConfig::id).containsExactly("helper");
    assertThat(config.agents().storage()).isEqualTo(StorageConfig.defaults());
  }

  @Test
  void errorsNameTheFileTheFieldAndTheFix() throws IOException {
    assertError(
        "agents:\n  - {id: a, model: mock, tools: [calculator, shell]}\n",
        "agents[0].tools",
        "'shell' is not a built-in tool",
        "datetime, calculator, http_get");
    assertError(
        "agents:\n  - {id: a, model: gpt-9}\n",
        "agents[0].model",
        "'gpt-9' is not a configured model",
        "mock");
    assertError("agents:\n  - {id: a}\n", "agents[0].model", "is required");
    assertError("agents:\n  - {model: mock}\n", "agents[0].id", "is required");
    assertError("agents:\n  - {id: 'a b', model: mock}\n", "agents[0].id", "letters, digits");
    assertError(
        "agents:\n  - {id: a, model: mock}\n  - {id: a, model: mock}\n",
        "agents[1].id",
        "defined twice");
    assertError(
        "agents:\n  - {id: a, model: mock, max_steps: 0}\n", "agents[0].max_steps", "out of range");
    assertError(
        "agents:\n  - {id: a, model: mock, tool: [calculator]}\n", "agents[0].tool", "unknown key");
    assertError(
        "agents:\n  - {id: a, model: mock, tools: calculator}\n",
        "agents[0].tools",
        "must be a list");
    assertError("agents: {id: a}\n", "agents", "must be a list of agents");
    assertError("storage:\n  url: jdbc:mysql://x/db\n", "storage.url", "is not supported");
    assertError("tools:\n  shell: {}\n", "tools.shell", "unknown key", "http_get");
    assertError(
        "tools:\n  http_get:\n    allow_hosts: api.github.com\n",
        "tools.http_get.allow_hosts",
        "must be a list");
  }

  private void assertError(String yaml, String... fragments) throws IOException {
    Path file = write(yaml);
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContainingAll(fragments);
  }
}
