package dev.sluice.api;

import dev.sluice.error.ClientGoneException;
import dev.sluice.error.InvalidRequestException;
import dev.sluice.error.NotFoundException;
import dev.sluice.stream.EventsExpiredException;
import dev.sluice.stream.SseRelay;
import dev.sluice.stream.SseWriter;
import dev.sluice.stream.StreamLog;
import dev.sluice.stream.StreamStore;
import io.javalin.http.Context;

/**
 * {@code GET /v1/chat/completions/{id}/stream}: resumes a resumable stream. With a {@code
 * Last-Event-ID} header (what browsers' EventSource sends on reconnect) or {@code ?after=<id>}, it
 * answers exactly the events after that id, then the live continuation; with neither, the whole
 * stream from the start. An unknown or expired stream, or events no longer kept, is a 404.
 */
final class ResumeHandler {
  private final StreamStore store;
  private final SseRelay relay;
  private final String idParam;

  /**
   * @param idParam the path parameter naming the stream: a completion id, or an agent run id
   */
  ResumeHandler(StreamStore store, SseRelay relay, String idParam) {
    this.store = store;
    this.relay = relay;
    this.idParam = idParam;
  }

  void handle(Context ctx) throws Exception {
    String id = ctx.pathParam(idParam);
    long after = afterId(ctx);
    StreamLog events =
        store
            .find(id)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        null,
                        "stream_not_found",
                        "No resumable stream '"
                            + id
                            + "': it never existed, was not resumable, or ended more than the"
                            + " retention time ago. Ask for one with \"sluice\": {\"resumable\":"
                            + " true} (chat) or resumable=true (agent runs)."));
    if (after >= events.nextId() && after > 0) {
      throw new InvalidRequestException(
          "Last-Event-ID",
          "Event id "
              + after
              + " is beyond the end of stream '"
              + id
              + "' (next id "
              + events.nextId()
              + ").");
    }
    // Read the first frames before answering, so that expired events are still a clean 404.
    StreamLog.Slice first;
    try {
      first = events.read(after, 0);
    } catch (EventsExpiredException e) {
      throw new NotFoundException(
          "Last-Event-ID", "events_expired", e.getMessage() + " Start the request again.");
    }
    SseResponses.begin(ctx.res());
    try (SseWriter writer = new SseWriter(ctx.res().getOutputStream())) {
      if (!first.frames().isEmpty()) {
        writer.frames(first.frames());
      }
      if (!first.ended()) {
        relay.relay(events, first.lastId(), writer);
      }
    } catch (ClientGoneException | EventsExpiredException e) {
      // The client left again (or fell too far behind); the stream goes on for another resume.
    }
  }

  private static long afterId(Context ctx) {
    String header = ctx.header("Last-Event-ID");
    String query = ctx.queryParam("after");
    String value = header != null && !header.isBlank() ? header : query;
    String field = header != null && !header.isBlank() ? "Last-Event-ID" : "after";
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      long id = Long.parseLong(value.strip());
      if (id < -1) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(
          field,
          "Invalid '"
              + field
              + "': '"
              + value
              + "'. Expected the id of the last event received, an integer.");
    }
  }
}
