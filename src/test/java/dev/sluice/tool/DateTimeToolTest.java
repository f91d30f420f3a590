package dev.sluice.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.openai.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The datetime tool against a fixed clock: zones, offsets, weekdays, defaults and bad zones. */
class DateTimeToolTest {
  /** A Saturday, 23:30:15.789 UTC: already Sunday east of Greenwich, in summer time nowhere. */
  private static final Instant NOW = Instant.parse("2025-03-01T23:30:15.789Z");

  private final DateTimeTool tool =
      new DateTimeTool(Clock.fixed(NOW, ZoneId.of("America/New_York")));

  private JsonNode call(String arguments) throws Exception {
    return Json.MAPPER.readTree(tool.call(Json.MAPPER.readTree(arguments)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "Europe/Paris, 2025-03-02T00:30:15+01:00, +01:00, Sunday, Europe/Paris",
    "UTC, 2025-03-01T23:30:15+00:00, +00:00, Saturday, UTC",
    "Asia/Kolkata, 2025-03-02T05:00:15+05:30, +05:30, Sunday, Asia/Kolkata",
    "Pacific/Honolulu, 2025-03-01T13:30:15-10:00, -10:00, Saturday, Pacific/Honolulu",
    "+02:00, 2025-03-02T01:30:15+02:00, +02:00, Sunday, +02:00",
    "europe/PARIS, 2025-03-02T00:30:15+01:00, +01:00, Sunday, Europe/Paris",
    "' Asia/Tokyo ', 2025-03-02T08:30:15+09:00, +09:00, Sunday, Asia/Tokyo",
  })
  void givesTheTimeInTheNamedZone(
      String zone, String datetime, String offset, String weekday, String zoneId) throws Exception {
    JsonNode result = call("{\"timezone\": \"" + zone + "\"}");
    assertThat(result.get("datetime").asText()).isEqualTo(datetime);
    assertThat(result.get("timezone").asText()).isEqualTo(zoneId);
    assertThat(result.get("utc_offset").asText()).isEqualTo(offset);
    assertThat(result.get("weekday").asText()).isEqualTo(weekday);
    assertThat(OffsetDateTime.parse(datetime).toInstant()).isEqualTo(NOW.minusMillis(789));
  }

  @Test
  void defaultsToTheClocksZone() throws Exception {
    String expected =
        "{\"datetime\":\"2025-03-01T18:30:15-05:00\",\"timezone\":\"America/New_York\","
            + "\"utc_offset\":\"-05:00\",\"weekday\":\"Saturday\"}";
    assertThat(tool.call(Json.MAPPER.createObjectNode())).isEqualTo(expected);
    assertThat(tool.call(null)).isEqualTo(expected);
    assertThat(tool.call(Json.MAPPER.nullNode())).isEqualTo(expected);
    assertThat(tool.call(Json.MAPPER.readTree("{\"timezone\": null}"))).isEqualTo(expected);
    assertThat(tool.call(Json.MAPPER.readTree("{\"timezone\": \" \"}"))).isEqualTo(expected);
  }

  @Test
  void followsDaylightSavingTime() throws Exception {
    DateTimeTool summer =
        new DateTimeTool(Clock.fixed(Instant.parse("2025-07-14T10:00:00Z"), ZoneOffset.UTC));
    JsonNode result =
        Json.MAPPER.readTree(summer.call(Json.MAPPER.readTree("{\"timezone\":\"Europe/Paris\"}")));
    assertThat(result.get("datetime").asText()).isEqualTo("2025-07-14T12:00:00+02:00");
    assertThat(result.get("weekday").asText()).isEqualTo("Monday");
    assertThat(summer.call(null)).contains("\"timezone\":\"UTC\"", "\"utc_offset\":\"+00:00\"");
  }

  @Test
  void refusesAnUnknownZoneWithAnExample() {
    assertThatThrownBy(() -> call("{\"timezone\": \"Mars/Olympus_Mons\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "Unknown time zone \"Mars/Olympus_Mons\" in argument \"timezone\": use an IANA time"
                + " zone id such as \"Europe/Paris\", \"America/New_York\" or \"UTC\", or leave it"
                + " out for the server's time zone.");
    assertThatThrownBy(() -> call("{\"timezone\": \"Paris\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("\"Paris\"");
  }

  @Test
  void refusesIllTypedOrUnknownArguments() {
    assertThatThrownBy(() -> call("{\"timezone\": 2}"))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "Argument \"timezone\" must be a string such as \"Europe/Paris\", not a number.");
    assertThatThrownBy(() -> call("{\"zone\": \"UTC\"}"))
        .isInstanceOf(ToolException.class)
        .hasMessage("Unknown argument \"zone\"; datetime takes only \"timezone\".");
    assertThatThrownBy(() -> call("\"UTC\""))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("must be a JSON object such as {\"timezone\": ...}, not a string");
  }

  @Test
  void describesItselfWithAStrictSchema() {
    JsonNode schema = tool.parameters();
    assertThat(tool.name()).isEqualTo("datetime");
    assertThat(schema.get("type").asText()).isEqualTo("object");
    assertThat(schema.at("/properties/timezone/type").asText()).isEqualTo("string");
    assertThat(schema.get("required")).isEmpty();
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
  }
}
