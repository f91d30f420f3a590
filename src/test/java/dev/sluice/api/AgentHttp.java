package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Raw HTTP for the agent API tests: run requests in the three encodings AgentOS clients use, and
 * AgentOS's event stream read whole or event by event.
 */
final class AgentHttp {
  private AgentHttp() {}

  /** One SSE frame: {@code id: n}, {@code event: Name}, {@code data: json}. */
  record Event(long id, String name, JsonNode data) {
    String text(String field) {
      return data.path(field).asText();
    }

    JsonNode tool() {
      return data.path("tool");
    }
  }

  /** How a run's fields are sent. */
  enum Form {
    MULTIPART,
    URLENCODED,
    JSON;

    HttpRequest.Builder body(HttpRequest.Builder builder, Map<String, String> fields) {
      return switch (this) {
        case MULTIPART -> {
          String boundary = "sluice-" + UUID.randomUUID();
          StringBuilder body = new StringBuilder();
          fields.forEach(
              (name, value) ->
                  body.append("--")
                      .append(boundary)
                      .append("\r\nContent-Disposition: form-data; name=\"")
                      .append(name)
                      .append("\"\r\n\r\n")
                      .append(value)
                      .append("\r\n"));
          body.append("--").append(boundary).append("--\r\n");
          yield builder
              .header("Content-Type", "multipart/form-data; boundary=" + boundary)
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        case URLENCODED ->
            builder
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        fields.entrySet().stream()
                            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                            .collect(Collectors.joining("&"))));
        case JSON -> {
          ObjectNode json = TestHttp.JSON.createObjectNode();
          fields.forEach(
              (name, value) -> {
                if (name.equals("stream")) {
                  json.put(name, Boolean.parseBoolean(value));
                } else {
                  json.put(name, value);
                }
              });
          yield builder
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json.toString()));
        }
      };
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }

  /** Fields from alternating names and values. */
  static Map<String, String> fields(String... namesAndValues) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return fields;
  }

  static HttpRequest run(SluiceServer server, String agent, Form form, Map<String, String> fields) {
    return form.body(TestHttp.request(server, "/agents/" + agent + "/runs"), fields).build();
  }

  /** Runs to the end and returns every event, after checking the response is an event stream. */
  static List<Event> streamRun(
      HttpClient http, SluiceServer server, Form form, Map<String, String> fields) {
    HttpResponse<String> response = TestHttp.send(http, run(server, "helper", form, fields));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    return parse(response.body());
  }

  /** A non-streamed run's JSON. */
  static JsonNode jsonRun(HttpClient http, SluiceServer server, Map<String, String> fields) {
    Map<String, String> all = new LinkedHashMap<>(fields);
    all.put("stream", "false");
    HttpResponse<String> response = TestHttp.send(http, run(server, "helper", Form.JSON, all));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return TestHttp.json(response.body());
  }

  static List<Event> parse(String body) {
    try (EventStream stream = new EventStream(new BufferedReader(new java.io.StringReader(body)))) {
      return stream.rest();
    }
  }

  /** Opens a streamed run and returns as soon as its headers are in. */
  static EventStream open(HttpClient http, HttpRequest request) {
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        throw new AssertionError("status " + response.statusCode() + ": " + body);
      }
      return new EventStream(
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Reads SSE frames one at a time; closing it before the end hangs up on the server. */
  static final class EventStream implements AutoCloseable {
    private final BufferedReader reader;
    final List<Event> seen = new ArrayList<>();

    EventStream(BufferedReader reader) {
      this.reader = reader;
    }

    /** The next event, or null at the end of the stream. */
    Event next() {
      Long id = null;
      String name = null;
      StringBuilder data = null;
      try {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.isEmpty()) {
            if (data != null) {
              assertThat(id).as("the id: of event %s", name).isNotNull();
              assertThat(name).as("the event: line").isNotNull();
              Event event = new Event(id, name, TestHttp.json(data.toString()));
              seen.add(event);
              return event;
            }
          } else if (line.startsWith("id: ")) {
            id = Long.parseLong(line.substring(4));
          } else if (line.startsWith("event: ")) {
            name = line.substring(7);
          } else if (line.startsWith("data: ")) {
            assertThat(data).as("one data line per event").isNull();
            data = new StringBuilder(line.substring(6));
          } else if (!line.startsWith(":")) {
            throw new AssertionError("not an SSE line: " + line);
          }
        }
        assertThat(data).as("an event cut off by the end of the stream").isNull();
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Reads until an event named {@code name} and returns it; fails at the end of the stream. */
    Event until(String name) {
      for (Event e = next(); e != null; e = next()) {
        if (e.name().equals(name)) {
          return e;
        }
      }
      throw new AssertionError("the stream ended without " + name + ": " + names(seen));
    }

    /** Every event still to come. */
    List<Event> rest() {
      List<Event> rest = new ArrayList<>();
      for (Event e = next(); e != null; e = next()) {
        rest.add(e);
      }
      return rest;
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static List<String> names(List<Event> events) {
    return events.stream().map(Event::name).toList();
  }
}
