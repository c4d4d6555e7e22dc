package dev.fabrik.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.expiry.ExpiredJobs;
import dev.fabrik.server.expiry.ExpiringJobs;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PUSHB through the one-pass decoder against PUSHB as it was (every job decoded into trees): the
 * same reply (refusals by jid, with the same texts, or the same {@code -ERR}) and the same stored
 * payloads, byte for byte, queued and scheduled.
 */
class PushBulkEquivalenceTest {
  private static final String J = "\"jobtype\":\"T\",\"args\":[1]";

  static List<String> bodies() {
    return List.of(
        // plain jobs, unicode and escapes, odd numbers, nested values, unknown fields
        "[{\"jid\":\"jid-00001\",\"jobtype\":\"T\",\"args\":[\"ü€𝄞\\u0041\\n\",1.10,1e3,-0,"
            + "123456789012345678901234567890,{\"k\":[null,true]}],\"x\":{\"y\":[1.50]},\"z\":1},"
            + "{\"queue\":\"q\",\"jid\":\"jid-00002\",\"args\":[],\"jobtype\":\"T\",\"retry\":0}]",
        // every validation error, in one batch with accepted jobs around them
        "[{\"jid\":\"short\","
            + J
            + "},{"
            + J
            + "},{\"jid\":\"jid-00003\",\"args\":[1]},"
            + "{\"jid\":\"jid-00004\",\"jobtype\":\"T\"},{\"jid\":\"jid-00005\",\"jobtype\":\"T\","
            + "\"args\":null},{\"jid\":\"jid-00006\","
            + J
            + ",\"reserve_for\":86401},"
            + "{\"jid\":\"jid-00007\","
            + J
            + ",\"at\":\"tomorrow\"},{\"jid\":\"jid-00008\","
            + J
            + ",\"queue\":\"c&c\"},{\"jid\":\"jid-00009\","
            + J
            + ",\"priority\":\"high\"},"
            + "{\"jid\":\"jid-00010\","
            + J
            + ",\"priority\":[1]},{\"jid\":\"jid-00011\","
            + J
            + "},{\"jid\":\"jid-00012\",\"jobtype\":\"T\",\"args\":[\""
            + "x".repeat(600)
            + "\"]}]",
        // defaults and what is kept: priority clamped, kept or absent; at past, future, empty
        "[{\"jid\":\"jid-00013\","
            + J
            + ",\"priority\":12},{\"jid\":\"jid-00014\","
            + J
            + ",\"priority\":7.0},{\"jid\":\"jid-00015\","
            + J
            + ",\"priority\":3,\"queue\":\"\"},"
            + "{\"jid\":\"jid-00016\","
            + J
            + ",\"at\":\"2026-06-30T17:00:00Z\"},"
            + "{\"jid\":\"jid-00017\","
            + J
            + ",\"at\":\"2030-01-01T00:00:00.123Z\","
            + "\"enqueued_at\":\"2020-01-01T00:00:00Z\",\"created_at\":\"2020-01-01T00:00:00Z\"},"
            + "{\"jid\":\"jid-00018\","
            + J
            + ",\"at\":\"\",\"reserve_for\":0,\"backtrace\":4}]",
        // job options in custom: unique (second one refused), expiry stamped by its hook
        "[{\"jid\":\"jid-00019\","
            + J
            + ",\"custom\":{\"unique_for\":60,\"n\":[1.10]}},"
            + "{\"jid\":\"jid-00020\","
            + J
            + ",\"custom\":{\"unique_for\":60,\"n\":[1.10]}},"
            + "{\"jid\":\"jid-00021\","
            + J
            + ",\"custom\":{\"expires_in\":60}},"
            + "{\"jid\":\"jid-00022\","
            + J
            + ",\"failure\":{\"retry_count\":2,\"message\":\"m\"}}]",
        // unique jobs whose args differ only in key order are one job (the key sorts them)
        "[{\"jid\":\"jid-00028\",\"jobtype\":\"U\",\"args\":[{\"b\":1,\"a\":[{\"d\":1,\"c\":2}]}],"
            + "\"custom\":{\"unique_for\":60}},{\"jid\":\"jid-00029\",\"jobtype\":\"U\","
            + "\"args\":[{\"a\":[{\"c\":2,\"d\":1}],\"b\":1}],\"custom\":{\"unique_for\":60}}]",
        // duplicate keys: at the job's level and inside a value (the tree decoder's business)
        "[{\"jid\":\"jid-00023\",\"jid\":\"jid-00024\","
            + J
            + ",\"args\":[2],\"x\":1,\"x\":[2]},"
            + "{\"jid\":\"jid-00025\","
            + J
            + ",\"y\":{\"a\":1,\"a\":2}}]",
        // whole-command refusals
        "",
        "{}",
        "[1]",
        "[{\"jid\":12}]",
        "[{\"args\":{}}]",
        "[{\"args\":[1,]}]",
        "[{\"jid\":\"jid-00026\"," + J + "}] trailing",
        "[{\"jid\":\"jid-00027\",\"jobtype\":\"T\",\"args\":[\"" + "\\q".repeat(40) + "\"]}]");
  }

  @ParameterizedTest
  @MethodSource("bodies")
  void sameReplyAndSameStoredBytes(String body) {
    Outcome before = new Outcome();
    Outcome after = new Outcome();
    String oldReply = before.pushAsBefore(body);
    String newReply = after.push(body);
    assertThat(newReply).isEqualTo(oldReply);
    assertThat(after.stored()).isEqualTo(before.stored());
  }

  /** A manager over its own memory store, at a fixed time, with a small job size limit. */
  private static final class Outcome {
    final ManualClock clock = new ManualClock();
    final MemoryStore store = new MemoryStore();
    final Manager manager =
        new Manager(
            store,
            new WorkerRegistry(clock),
            clock,
            new ManagerSettings(Duration.ofMillis(10), Duration.ofDays(1), 100, 512));

    Outcome() {
      manager.use(new ExpiringJobs(clock, ExpiredJobs.none()));
    }

    /** PUSHB as it was before the one-pass decoder. */
    String pushAsBefore(String body) {
      try {
        return JSON(manager.pushBulk(JobCodec.decodeArray(body)));
      } catch (JobFormatException e) {
        return "ERR invalid JSON: " + e.getMessage();
      }
    }

    String push(String body) {
      try {
        return new PushBulk(manager).handle(body, null).toString();
      } catch (CommandException e) {
        return e.code() + " " + e.getMessage();
      }
    }

    private static String JSON(java.util.Map<String, String> refused) {
      return new dev.fabrik.protocol.Reply.Bulk(JobCodec.MAPPER.writeValueAsBytes(refused))
          .toString();
    }

    /** Queue or set, then jid → stored payload. */
    TreeMap<String, String> stored() {
      TreeMap<String, String> all = new TreeMap<>();
      for (String queue : store.queueSizes().keySet()) {
        for (QueuedJob q : store.browse(queue, 0, 1000)) {
          all.put(queue + " " + q.jid(), new String(q.payload(), StandardCharsets.UTF_8));
        }
      }
      List<SetEntry> scheduled = new ArrayList<>(store.scan(SetName.SCHEDULED, null, 1000));
      for (SetEntry e : scheduled) {
        all.put(
            "scheduled " + e.score() + " " + e.jid(),
            new String(e.payload(), StandardCharsets.UTF_8));
      }
      return all;
    }
  }
}
