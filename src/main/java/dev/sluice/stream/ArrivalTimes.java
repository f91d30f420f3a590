package dev.sluice.stream;

/**
 * When each piece of held text arrived, so a {@link ChunkCoalescer} knows how long its oldest held
 * character has waited. A queue of (offset, time) per delta, with offsets counted from the start of
 * the stream so releasing text needs no renumbering; usually one to three entries. Not thread-safe.
 */
final class ArrivalTimes {
  private long[] offsets = new long[8];
  private long[] times = new long[8];
  private int head;
  private int size;
  private long released;

  /** A delta arrived at {@code nanos} and was appended after {@code heldLength} held chars. */
  void arrived(int heldLength, long nanos) {
    if (size == offsets.length) {
      grow();
    }
    int slot = (head + size) % offsets.length;
    offsets[slot] = released + heldLength;
    times[slot] = nanos;
    size++;
  }

  /** The first {@code count} held chars were released; {@code remaining} are still held. */
  void released(int count, int remaining) {
    if (remaining == 0) {
      clear();
      return;
    }
    released += count;
    // Drop deltas that are wholly released: those whose successor starts at or before the cut.
    while (size > 1 && offsets[(head + 1) % offsets.length] <= released) {
      head = (head + 1) % offsets.length;
      size--;
    }
  }

  /** When the oldest held char arrived; only meaningful while something is held. */
  long oldest() {
    return times[head];
  }

  void clear() {
    head = 0;
    size = 0;
    released = 0;
  }

  private void grow() {
    long[] newOffsets = new long[offsets.length * 2];
    long[] newTimes = new long[times.length * 2];
    for (int i = 0; i < size; i++) {
      newOffsets[i] = offsets[(head + i) % offsets.length];
      newTimes[i] = times[(head + i) % times.length];
    }
    offsets = newOffsets;
    times = newTimes;
    head = 0;
  }
}
