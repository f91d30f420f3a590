package dev.sluice.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.openai.Json;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code datetime} tool: the current date and time, in a time zone the model may name. The
 * result is a JSON object as text, such as {@code {"datetime":"2025-03-01T13:00:00+01:00",
 * "timezone":"Europe/Paris","utc_offset":"+01:00","weekday":"Saturday"}}, to the second. Immutable
 * and thread-safe.
 */
public final class DateTimeTool implements Tool {
  public static final String NAME = "datetime";

  /** With offset always as {@code +hh:mm}, never {@code Z}, so every answer reads the same way. */
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx", Locale.ROOT);

  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx", Locale.ROOT);

  private static final ObjectNode SCHEMA =
      Args.schema(
          """
          {
            "type": "object",
            "properties": {
              "timezone": {
                "type": "string",
                "description": "An IANA time zone id such as \\"Europe/Paris\\", \\"America/New_York\\" or \\"UTC\\". Omit it for the server's time zone."
              }
            },
            "required": [],
            "additionalProperties": false
          }
          """);

  private final Clock clock;

  /** Reads the system clock, in the server's default time zone. */
  public DateTimeTool() {
    this(Clock.systemDefaultZone());
  }

  /**
   * @param clock where the time comes from; its zone is the one used when the call names none
   */
  public DateTimeTool(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Returns the current date and time (ISO-8601 with UTC offset), the time zone and the "
        + "weekday, in the given IANA time zone or the server's.";
  }

  @Override
  public JsonNode parameters() {
    return SCHEMA.deepCopy(); // callers may not change the shared one
  }

  @Override
  public String call(JsonNode arguments) throws ToolException {
    ObjectNode args = Args.object(arguments, NAME, List.of("timezone"));
    Optional<String> requested = Args.optionalString(args, "timezone", "Europe/Paris");
    // Models fill optional arguments with "" as often as they leave them out.
    ZoneId zone =
        requested.isEmpty() || requested.get().isBlank()
            ? clock.getZone()
            : zone(requested.get().strip());
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone)).truncatedTo(ChronoUnit.SECONDS);
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("datetime", ISO.format(now));
    // A UTC clock's zone id is "Z", which reads as a typo; the same for a request of "Z".
    result.put("timezone", zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId());
    result.put("utc_offset", OFFSET.format(now));
    result.put("weekday", now.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
    return result.toString();
  }

  private static ZoneId zone(String id) throws ToolException {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      // "europe/paris" is what the model meant; zone ids are unique regardless of case.
      String exact = ZonesByLowerCase.MAP.get(id.toLowerCase(Locale.ROOT));
      if (exact != null) {
        return ZoneId.of(exact);
      }
      throw new ToolException(
          "Unknown time zone \""
              + id
              + "\" in argument \"timezone\": use an IANA time zone id such as \"Europe/Paris\","
              + " \"America/New_York\" or \"UTC\", or leave it out for the server's time zone.");
    }
  }

  /** Built on first need: most calls name a zone correctly or none at all. */
  private static final class ZonesByLowerCase {
    static final Map<String, String> MAP =
        ZoneId.getAvailableZoneIds().stream()
            .collect(
                Collectors.toMap(
                    id -> id.toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));
  }
}
