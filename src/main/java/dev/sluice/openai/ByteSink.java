package dev.sluice.openai;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that is reused for every chunk of a stream, so encoding a chunk does not
 * allocate a new array. Not thread-safe.
 */
public final class ByteSink extends OutputStream {
  private byte[] bytes = new byte[512];
  private int length;

  @Override
  public void write(int b) {
    ensure(1);
    bytes[length++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, length, len);
    length += len;
  }

  /** The backing array; valid up to {@link #length()} until the next {@link #reset()}. */
  public byte[] array() {
    return bytes;
  }

  public int length() {
    return length;
  }

  public void reset() {
    length = 0;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
