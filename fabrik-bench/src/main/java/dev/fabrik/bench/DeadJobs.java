package dev.fabrik.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Realistic dead-job payloads (~350 bytes of compact JSON, the shape the server stores after a
 * job's last failure), generated deterministically from an index so a benchmark can name the i-th
 * entry's score and jid without reading it back.
 */
final class DeadJobs {

  /** Job types; entry i has {@code JOBTYPES[i % 12]}, except every 1000th is {@link #RARE_TYPE}. */
  static final String[] JOBTYPES = {
    "SendWelcomeEmail", "ChargeCard", "SyncInventory", "GenerateInvoicePdf", "ResizeImage",
    "PushNotification", "ImportCsvRow", "RefreshSearchIndex", "ExpireSessions", "WebhookDelivery",
    "ReconcileLedger", "NightlyReport"
  };

  static final String RARE_TYPE = "MigrateLegacyAccount";

  /** Error messages; every 10th entry times out ("Net::ReadTimeout"). */
  private static final String[] ERRORS = {
    "Net::ReadTimeout with #<TCPSocket:(closed)>",
    "undefined method `email' for nil:NilClass",
    "PG::UniqueViolation: duplicate key value violates unique constraint \\\"orders_pkey\\\"",
    "Stripe::CardError: Your card was declined.",
    "Errno::ECONNREFUSED: Connection refused - connect(2) for \\\"10.0.3.7\\\" port 6379",
    "ActiveRecord::RecordNotFound: Couldn't find User with 'id'=",
    "JSON::ParserError: unexpected token at '<html>'",
    "Aws::S3::Errors::NoSuchKey: The specified key does not exist.",
    "RuntimeError: upstream returned 503",
    "ArgumentError: wrong number of arguments (given 3, expected 2)"
  };

  private static final String[] ERROR_TYPES = {
    "Net::ReadTimeout",
    "NoMethodError",
    "PG::UniqueViolation",
    "Stripe::CardError",
    "Errno::ECONNREFUSED",
    "ActiveRecord::RecordNotFound",
    "JSON::ParserError",
    "Aws::S3::Errors::NoSuchKey",
    "RuntimeError",
    "ArgumentError"
  };

  /** Dead entries expire 180 days after they died; entry i died {@code i * 10 ms} after T0. */
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  private DeadJobs() {}

  static String jobtype(long i) {
    return i % 1000 == 999 ? RARE_TYPE : JOBTYPES[(int) (i % JOBTYPES.length)];
  }

  static String jid(long i) {
    SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
    byte[] b = new byte[12];
    for (int k = 0; k < b.length; k++) {
      b[k] = (byte) r.nextInt(256);
    }
    return HexFormat.of().formatHex(b);
  }

  static Instant failedAt(long i) {
    return T0.plusMillis(i * 10);
  }

  /** The dead set's score: the expiry. */
  static Instant score(long i) {
    return failedAt(i).plusSeconds(180L * 86400);
  }

  static byte[] payload(long i) {
    SplittableRandom r = new SplittableRandom(i);
    int e = (int) (i % ERRORS.length);
    String failed = failedAt(i).toString();
    String created = failedAt(i).minusSeconds(86400L * 21).toString();
    String json =
        "{\"jid\":\""
            + jid(i)
            + "\",\"queue\":\"default\",\"jobtype\":\""
            + jobtype(i)
            + "\",\"args\":["
            + r.nextInt(1_000_000)
            + ",\"acct-"
            + Long.toString(r.nextLong() & 0xffffffffL, 36)
            + "\"],\"created_at\":\""
            + created
            + "\",\"enqueued_at\":\""
            + failed
            + "\",\"retry\":25,\"failure\":{\"retry_count\":25,\"remaining\":0,\"failed_at\":\""
            + created
            + "\",\"message\":\""
            + ERRORS[e]
            + (e == 5 ? r.nextInt(100_000) : "")
            + "\",\"errtype\":\""
            + ERROR_TYPES[e]
            + "\",\"backtrace\":[\"app/jobs/"
            + jobtype(i).toLowerCase()
            + ".rb:"
            + (10 + r.nextInt(200))
            + ":in `perform'\"]}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
