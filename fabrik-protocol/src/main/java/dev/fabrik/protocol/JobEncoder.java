package dev.fabrik.protocol;

import java.io.ByteArrayOutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectWriter;

/**
 * Encodes many jobs one after the other, each to the bytes {@link JobCodec#encode} gives, through
 * one generator: a PUSHB encodes every job it stores, and creating a generator per job (buffers
 * from the recycler pool, a write context) was about a fifth of a PUSHB's CPU in the server (JFR,
 * docs/benchmarks-postgresql.md). Not thread-safe: one per batch, on one thread.
 */
public final class JobEncoder implements AutoCloseable {
  /** Jobs written back to back as root values, with nothing between them. */
  private static final ObjectWriter WRITER = JobCodec.MAPPER.writer().withRootValueSeparator("");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
  private final RepeatedStrings repeated = new RepeatedStrings();
  private JsonGenerator g = WRITER.createGenerator(out);

  /** The job's compact JSON, byte for byte {@link JobCodec#encode}'s. */
  public byte[] encode(Job job) {
    try {
      JobCodec.write(job, g, repeated);
      g.flush();
      return out.toByteArray();
    } catch (RuntimeException e) {
      // A job left half written would spoil the next one: start over with a fresh generator.
      g.close();
      g = WRITER.createGenerator(out);
      throw e;
    } finally {
      out.reset();
    }
  }

  @Override
  public void close() {
    g.close();
  }
}
