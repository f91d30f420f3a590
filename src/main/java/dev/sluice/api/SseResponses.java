package dev.sluice.api;

import jakarta.servlet.http.HttpServletResponse;

/** The headers of every event-stream response. */
final class SseResponses {
  private SseResponses() {}

  static void begin(HttpServletResponse res) {
    res.setStatus(200);
    res.setContentType("text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    // nginx and other proxies buffer responses unless told not to.
    res.setHeader("X-Accel-Buffering", "no");
  }
}
