package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("sluice.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void withoutFileServesOnlyTheMock() {
    SluiceConfig config = new ConfigLoader(Map.of()).defaults();
    assertThat(config.models()).extracting(ModelConfig::name).containsExactly("mock");
    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.server().maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
  }

  @Test
  void withOpenAiKeyAddsOpenAiFamilies() {
    SluiceConfig config = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test")).defaults();
    assertThat(config.models())
        .extracting(ModelConfig::name)
        .containsExactly("mock", "gpt-*", "o*", "chatgpt-*");
    ModelConfig gpt = config.models().get(1);
    assertThat(gpt.matches("gpt-4o-mini")).isTrue();
    assertThat(gpt.upstreamModelFor("gpt-4o-mini")).isEqualTo("gpt-4o-mini");
    assertThat(gpt.apiKey()).isEqualTo("sk-test");
    assertThat(gpt.toString()).doesNotContain("sk-test");
  }

  @Test
  void readsModelsWithInterpolation() throws IOException {
    Path file =
        write(
            """
            server:
              port: ${PORT:-9090}
              api_key: ${SLUICE_KEY}
            models:
              - name: fast
                provider: openai
                model: gpt-4o-mini
                base_url: http://127.0.0.1:11434/v1/
                api_key: ${OPENAI_API_KEY}
            """);
    SluiceConfig config =
        new ConfigLoader(Map.of("SLUICE_KEY", "k1", "OPENAI_API_KEY", "sk-2")).load(file);
    assertThat(config.server().port()).isEqualTo(9090);
    assertThat(config.server().apiKey()).isEqualTo("k1");
    assertThat(config.models()).extracting(ModelConfig::name).containsExactly("mock", "fast");
    ModelConfig fast = config.models().get(1);
    assertThat(fast.upstreamModelFor("fast")).isEqualTo("gpt-4o-mini");
    assertThat(fast.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:11434/v1"));
    assertThat(fast.apiKey()).isEqualTo("sk-2");
  }

  @Test
  void sluiceApiKeyFromEnvironmentWins() throws IOException {
    Path file = write("server:\n  api_key: from-file\n");
    assertThat(new ConfigLoader(Map.of("SLUICE_API_KEY", "from-env")).load(file).server().apiKey())
        .isEqualTo("from-env");
  }

  @Test
  void anEmptyFileMeansDefaults() throws IOException {
    assertThat(new ConfigLoader(Map.of()).load(write("")).models())
        .extracting(ModelConfig::name)
        .containsExactly("mock");
  }

  @Test
  void errorsNameTheFileTheFieldAndTheFix() throws IOException {
    assertError(
        "models:\n  - name: x\n    provider: opnai\n",
        "models[0].provider",
        "'opnai' is unknown",
        "mock, openai");
    assertError("models:\n  - provider: mock\n", "models[0].name", "is required");
    assertError("server:\n  port: eighty\n", "server.port", "not a whole number");
    assertError("server:\n  port: 70000\n", "server.port", "out of range");
    assertError("server:\n  prot: 1\n", "server.prot", "unknown key", "port");
    assertError("modles: []\n", "modles", "unknown key");
    assertError(
        "models:\n  - name: a\n    provider: openai\n    base_url: ftp://x\n",
        "models[0].base_url",
        "not an http(s) URL");
    assertError(
        "models:\n  - name: a\n    provider: openai\n    api_key: ${NOPE_KEY}\n",
        "models[0].api_key",
        "NOPE_KEY is not set");
    assertError(
        "models:\n  - {name: a, provider: mock}\n  - {name: a, provider: mock}\n",
        "models[1].name",
        "defined twice");
    assertError("models: [\n", "not valid YAML");
  }

  @Test
  void aMissingExplicitFileIsAnError() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(dir.resolve("absent.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("absent.yaml: no such file");
  }

  private void assertError(String yaml, String... fragments) throws IOException {
    Path file = write(yaml);
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContainingAll(fragments);
  }
}
