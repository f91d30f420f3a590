package dev.sluice.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link StreamLog} in this process's memory. Frames are kept in a list; a non-resumable log
 * drops each frame as soon as its client has read it, a resumable one keeps frames until the byte
 * budget forces the oldest out. The lock guards only list updates and copies of frame references;
 * writing to sockets happens outside it.
 */
final class InMemoryStreamLog implements StreamLog {
  private final String id;
  private final boolean resumable;
  private final long budgetBytes;
  private final Runnable onComplete;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayList<byte[]> frames = new ArrayList<>();
  private long firstId;
  private long bytes;
  private long delivered = -1;
  private boolean complete;

  InMemoryStreamLog(String id, boolean resumable, long budgetBytes, Runnable onComplete) {
    this.id = id;
    this.resumable = resumable;
    this.budgetBytes = budgetBytes;
    this.onComplete = onComplete;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public boolean resumable() {
    return resumable;
  }

  @Override
  public boolean append(byte[] frame) {
    lock.lock();
    try {
      frames.add(frame);
      bytes += frame.length;
      boolean stalled = false;
      while (bytes > budgetBytes && frames.size() > 1) {
        stalled |= firstId > delivered; // dropping a frame the live client has not read
        bytes -= frames.getFirst().length;
        frames.removeFirst();
        firstId++;
      }
      changed.signalAll();
      return resumable || !stalled;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long nextId() {
    lock.lock();
    try {
      return firstId + frames.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void complete() {
    lock.lock();
    try {
      if (complete) {
        return;
      }
      complete = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    onComplete.run();
  }

  @Override
  public Slice read(long afterId, long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      if (afterId + 1 < firstId) {
        throw new EventsExpiredException(id, afterId, firstId);
      }
      long wait = timeoutNanos;
      while (firstId + frames.size() <= afterId + 1 && !complete) {
        if (wait <= 0) {
          return new Slice(List.of(), afterId, false);
        }
        wait = changed.awaitNanos(wait);
      }
      int from = (int) (afterId + 1 - firstId);
      List<byte[]> out = List.copyOf(frames.subList(Math.min(from, frames.size()), frames.size()));
      long lastId = afterId + out.size();
      delivered = Math.max(delivered, lastId);
      if (!resumable) {
        dropDelivered();
      }
      return new Slice(out, lastId, complete && lastId == firstId + frames.size() - 1);
    } finally {
      lock.unlock();
    }
  }

  /** The test's view of how many bytes the log holds. */
  long heldBytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  private void dropDelivered() {
    int count = (int) Math.min(frames.size(), delivered + 1 - firstId);
    for (int i = 0; i < count; i++) {
      bytes -= frames.get(i).length;
    }
    frames.subList(0, count).clear();
    firstId += count;
  }

  @Override
  public String toString() {
    return "InMemoryStreamLog[" + id + ", resumable=" + resumable + "]";
  }
}
