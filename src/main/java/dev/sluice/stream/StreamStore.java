package dev.sluice.stream;

import java.util.Optional;

/**
 * Where stream logs live while they run and, for resumable streams, for a while after they end.
 * Thread-safe.
 */
public interface StreamStore extends AutoCloseable {

  /** A new, empty log. Only resumable logs can be found again with {@link #find}. */
  StreamLog create(String streamId, boolean resumable);

  /** A resumable stream's log, running or ended less than the retention time ago. */
  Optional<StreamLog> find(String streamId);

  @Override
  void close();
}
