package dev.fabrik.protocol;

/**
 * Memory shared by many readers: a {@link LineReader} asks it before its line buffer grows past its
 * first small size and gives the bytes back when the buffer shrinks or the reader is released, so a
 * server can bound what all its connections buffer together. Implementations are thread-safe.
 */
public interface BufferBudget {
  /** A budget that grants everything (a client reading its server's replies). */
  BufferBudget UNLIMITED =
      new BufferBudget() {
        @Override
        public boolean tryReserve(long bytes) {
          return true;
        }

        @Override
        public void release(long bytes) {}
      };

  /** Takes {@code bytes} from the budget; false (and nothing taken) when they do not fit. */
  boolean tryReserve(long bytes);

  /** Gives back bytes taken before. */
  void release(long bytes);
}
