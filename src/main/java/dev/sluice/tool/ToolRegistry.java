package dev.sluice.tool;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in tools, by name: {@code datetime}, {@code calculator} and {@code http_get}, each made
 * once from the settings. Immutable and thread-safe; the tools are shared by all runs. {@link
 * #close} releases what the tools hold (the HTTP client).
 */
public final class ToolRegistry implements AutoCloseable {
  private final Map<String, Tool> tools = new LinkedHashMap<>();

  /** Tools reading the system clock in the server's time zone. */
  public ToolRegistry(ToolSettings settings) {
    this(settings, Clock.systemDefaultZone());
  }

  /**
   * @param clock what {@code datetime} reads; its zone is the default time zone
   */
  public ToolRegistry(ToolSettings settings, Clock clock) {
    add(new DateTimeTool(clock));
    add(new CalculatorTool());
    add(
        new HttpGetTool(
            settings.httpAllowHosts(), settings.httpMaxBytes(), settings.httpTimeout()));
  }

  private void add(Tool tool) {
    tools.put(tool.name(), tool);
  }

  /**
   * The tool called {@code name}.
   *
   * @throws IllegalArgumentException if there is none; the message lists the known names, for a
   *     configuration error
   */
  public Tool get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Unknown tool \""
                        + name
                        + "\"; the built-in tools are "
                        + String.join(", ", names())));
  }

  /** The tool called {@code name}, if there is one. */
  public Optional<Tool> find(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /** The names of the built-in tools: datetime, calculator, http_get. */
  public List<String> names() {
    return List.copyOf(tools.keySet());
  }

  @Override
  public void close() {
    for (Tool tool : tools.values()) {
      if (tool instanceof HttpGetTool http) {
        http.close();
      }
    }
  }
}
