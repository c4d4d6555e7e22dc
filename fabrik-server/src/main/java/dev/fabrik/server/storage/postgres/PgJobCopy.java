package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.QueuedJob;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Appends many jobs to {@code jobs} with one {@code COPY ... FROM STDIN (FORMAT binary)}, in the
 * caller's transaction. Why not the array INSERT of {@link PgInserts} for big batches: PostgreSQL
 * then parses four array parameters and unnests them again, work that COPY skips (measured in
 * docs/benchmarks-postgresql.md); rows go in stream order, so ids keep the list's order. The INSERT
 * trigger (queue counts, NOTIFY at COMMIT) fires for COPY as for INSERT.
 *
 * <p>The binary stream, every integer big-endian:
 *
 * <pre>
 * "PGCOPY\n\377\r\n\0"  int32 flags = 0  int32 header extension = 0
 * per row:  int16 4 (fields)
 *           int32 len, queue (UTF-8)  int32 2, priority (int16)
 *           int32 len, jid (UTF-8)    int32 len, payload (bytes)
 * int16 -1 (end)
 * </pre>
 */
final class PgJobCopy {
  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };

  private final String copy;

  PgJobCopy(PgDatabase db) {
    copy = db.sql("COPY {s}.jobs(queue, priority, jid, payload) FROM STDIN (FORMAT binary)");
  }

  /** Streams the jobs in list order; the caller has registered their queues. */
  void jobs(Connection c, List<QueuedJob> jobs) throws SQLException {
    byte[] stream = encode(jobs);
    try {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(copy, new java.io.ByteArrayInputStream(stream));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] encode(List<QueuedJob> jobs) {
    int size = 19 + 2;
    for (QueuedJob j : jobs) {
      size += 2 + 4 * 4 + 2 + j.payload().length + j.queue().length() + j.jid().length();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(size + 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(SIGNATURE);
      out.writeInt(0);
      out.writeInt(0);
      for (QueuedJob j : jobs) {
        out.writeShort(4);
        text(out, j.queue());
        out.writeInt(2);
        out.writeShort(j.priority());
        text(out, j.jid());
        out.writeInt(j.payload().length);
        out.write(j.payload());
      }
      out.writeShort(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private static void text(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }
}
