package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The command lines the bench sends; jobs are minimal no-ops:
 *
 * <pre>
 * PUSH {"jid":"5f0c...","jobtype":"bench.noop","queue":"bench-1a2b3c4d","args":[]}
 * PUSH {"jid":"...","jobtype":"bench.noop","queue":"bench-1a2b3c4d","args":[17],"custom":{"unique_for":60}}
 * PUSHB [{...},{...}]
 * ACK {"jid":"5f0c..."}
 * </pre>
 */
final class JobLines {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The job type of every bench job. */
  static final String JOBTYPE = "bench.noop";

  private JobLines() {}

  static String job(String queue, String argsJson) {
    return "{\"jid\":\""
        + ProtocolConnection.randomJid()
        + "\",\"jobtype\":\""
        + JOBTYPE
        + "\","
        + "\"queue\":\""
        + queue
        + "\",\"args\":["
        + argsJson
        + "]}";
  }

  static String push(String queue) {
    return "PUSH " + job(queue, "");
  }

  private static final AtomicLong LAST_UNIQUE_BASE = new AtomicLong();

  /**
   * Where a push-unique phase starts numbering its jobs: the clock (in millionths of a
   * millisecond), so a later run against the same server pushes other jobs, not duplicates; and
   * never within a billion of the previous phase of this process, so two phases started in one
   * millisecond do not overlap either.
   */
  static long uniqueBase() {
    long now = System.currentTimeMillis() * 1_000_000L;
    return LAST_UNIQUE_BASE.updateAndGet(last -> Math.max(now, last + 1_000_000_000L));
  }

  /** A unique job whose identity is its sequence number {@code n} (args {@code [n]}). */
  static String pushUnique(String queue, long n) {
    String job = job(queue, Long.toString(n));
    return "PUSH " + job.substring(0, job.length() - 1) + ",\"custom\":{\"unique_for\":60}}";
  }

  static String pushBulk(String queue, int count) {
    StringBuilder s = new StringBuilder(count * 100).append("PUSHB [");
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append(job(queue, ""));
    }
    return s.append(']').toString();
  }

  /** PUSHB of {@code count} jobs, each a member of batch {@code bid} ({@code custom.bid}). */
  static String pushBulkInBatch(String queue, int count, String bid) {
    StringBuilder s = new StringBuilder(count * 130).append("PUSHB [");
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        s.append(',');
      }
      String job = job(queue, "");
      s.append(job, 0, job.length() - 1)
          .append(",\"custom\":{\"bid\":\"")
          .append(bid)
          .append("\"}}");
    }
    return s.append(']').toString();
  }

  static String ack(String jid) {
    return "ACK {\"jid\":\"" + jid + "\"}";
  }

  private static final byte[] JID_KEY = "{\"jid\":\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * The job id of a fetched job. The server writes compact JSON with {@code jid} first, {@code
   * {"jid":"5f0c...",...}}, which is read straight from the bytes (the lean engine's per-job cost);
   * any other shape goes through the JSON parser.
   */
  static String jid(Reply.Bulk bulk) {
    byte[] p = bulk.payload();
    if (Arrays.equals(p, 0, Math.min(p.length, JID_KEY.length), JID_KEY, 0, JID_KEY.length)) {
      for (int i = JID_KEY.length; i < p.length; i++) {
        byte b = p[i];
        if (b == '"') {
          return new String(p, JID_KEY.length, i - JID_KEY.length, StandardCharsets.US_ASCII);
        }
        if (b == '\\' || b < 0x20 || b > 0x7e) {
          break; // an escape or non-ASCII: let the parser decode it
        }
      }
    }
    return parse(bulk).path("jid").asString();
  }

  static JsonNode parse(Reply.Bulk bulk) {
    return JSON.readTree(bulk.payload());
  }

  /** Jobs PUSHB rejected: its reply maps each failed jid to an error ({@code {}} = none). */
  static int rejected(Reply.Bulk bulk) {
    return parse(bulk).size();
  }

  /** Length of {@code queue} per INFO ({@code faktory.queues}); 0 when it is not listed. */
  static long queueSize(ProtocolConnection conn, String queue) {
    Reply reply = conn.call("INFO");
    if (!(reply instanceof Reply.Bulk bulk)) {
      throw new IllegalStateException("INFO answered " + describe(reply));
    }
    return parse(bulk).path("faktory").path("queues").path(queue).asLong(0);
  }

  static String describe(Reply reply) {
    return switch (reply) {
      case Reply.Error e -> "-" + e.text();
      case Reply.Simple s -> "+" + s.text();
      case Reply.Bulk b -> "a bulk reply of " + b.payload().length + " bytes";
      case Reply.Null n -> "null ($-1)";
    };
  }
}
