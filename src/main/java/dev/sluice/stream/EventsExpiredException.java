package dev.sluice.stream;

/** A consumer asked for frames that the log has already dropped to stay within its budget. */
public final class EventsExpiredException extends RuntimeException {
  public EventsExpiredException(String streamId, long afterId, long firstKept) {
    super(
        "The events of stream '"
            + streamId
            + "' after id "
            + afterId
            + " are no longer kept (the oldest kept is "
            + firstKept
            + ").");
  }
}
