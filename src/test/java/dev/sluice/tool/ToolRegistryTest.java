package dev.sluice.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry's lookups and errors, the settings' checks, and the OpenAI tool definitions. */
class ToolRegistryTest {
  private final ToolRegistry registry =
      new ToolRegistry(
          new ToolSettings(List.of("*.example.com"), 2048, Duration.ofSeconds(3)),
          Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void knowsTheBuiltInToolsByName() throws Exception {
    assertThat(registry.names()).containsExactly("datetime", "calculator", "http_get");
    assertThat(registry.get("datetime")).isInstanceOf(DateTimeTool.class);
    assertThat(registry.get("calculator")).isInstanceOf(CalculatorTool.class);
    assertThat(registry.get("http_get")).isInstanceOf(HttpGetTool.class);
    for (String name : registry.names()) {
      assertThat(registry.get(name).name()).isEqualTo(name);
      assertThat(registry.find(name)).containsSame(registry.get(name));
    }
    assertThat(registry.get("datetime").call(null))
        .contains("\"datetime\":\"2025-01-01T00:00:00+00:00\"");
    assertThat(registry.get("http_get").description())
        .contains("the first 2 KiB at most", "may be fetched: *.example.com.");
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    assertThat(registry.find("shell")).isEmpty();
    assertThat(registry.find(null)).isEmpty();
    assertThatThrownBy(() -> registry.get("shell"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unknown tool \"shell\"; the built-in tools are datetime, calculator, http_get");
    assertThatThrownBy(() -> registry.get("Calculator"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesCannotBeChanged() {
    assertThatThrownBy(() -> registry.names().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void settingsHaveDefaultsAndRefuseBadValues() {
    ToolSettings defaults = ToolSettings.defaults();
    assertThat(defaults.httpAllowHosts()).isEmpty();
    assertThat(defaults.httpMaxBytes()).isEqualTo(64 * 1024);
    assertThat(defaults.httpTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(new ToolSettings(null, 1, Duration.ofMillis(1)).httpAllowHosts()).isEmpty();

    List<String> hosts = new ArrayList<>(List.of("a.example"));
    ToolSettings copied = new ToolSettings(hosts, 1, Duration.ofSeconds(1));
    hosts.add("b.example");
    assertThat(copied.httpAllowHosts()).containsExactly("a.example");

    assertThatThrownBy(
            () -> new ToolSettings(List.of("http://x.example/"), 1024, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad http_get allowed host \"http://x.example/\"");
    assertThatThrownBy(() -> new ToolSettings(List.of(), 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("http_get max bytes must be from 1 to 16777216, not 0");
    assertThatThrownBy(() -> new ToolSettings(List.of(), 1024, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("http_get timeout must be positive, not PT0S");
    assertThatThrownBy(() -> new ToolSettings(List.of(), 1024, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void definesEachToolForOpenAi() {
    Tool calculator = registry.get("calculator");
    ObjectNode entry = OpenAiTools.definition(calculator);
    assertThat(entry.toString())
        .isEqualTo(
            "{\"type\":\"function\",\"function\":{\"name\":\"calculator\",\"description\":"
                + Json.MAPPER.getNodeFactory().textNode(calculator.description())
                + ",\"parameters\":"
                + calculator.parameters()
                + "}}");
    // The entry is the caller's to change; the tool's schema stays as it was.
    ((ObjectNode) entry.at("/function/parameters")).put("type", "changed");
    assertThat(calculator.parameters().get("type").asText()).isEqualTo("object");

    ArrayNode all = OpenAiTools.definitions(registry.names().stream().map(registry::get).toList());
    assertThat(all).hasSize(3);
    assertThat(all.findValuesAsText("name")).containsExactly("datetime", "calculator", "http_get");
  }

  @Test
  void everySchemaIsAStrictObject() {
    for (String name : registry.names()) {
      JsonNode schema = registry.get(name).parameters();
      assertThat(schema.get("type").asText()).as(name).isEqualTo("object");
      assertThat(schema.get("additionalProperties").isBoolean()).as(name).isTrue();
      assertThat(schema.get("additionalProperties").asBoolean()).as(name).isFalse();
      assertThat(schema.get("properties").isObject()).as(name).isTrue();
      assertThat(schema.get("required").isArray()).as(name).isTrue();
      schema
          .get("required")
          .forEach(
              required -> assertThat(schema.get("properties").has(required.asText())).isTrue());
      schema
          .get("properties")
          .forEach(
              property -> {
                assertThat(property.get("type").asText()).as(name).isEqualTo("string");
                assertThat(property.get("description").asText()).as(name).isNotBlank();
              });
      // Changing the returned schema does not change the tool's.
      ((ObjectNode) schema).put("type", "changed");
      assertThat(registry.get(name).parameters().get("type").asText()).isEqualTo("object");
    }
  }
}
