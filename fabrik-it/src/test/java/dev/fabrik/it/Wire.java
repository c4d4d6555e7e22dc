package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Raw-protocol helpers over a {@link ProtocolConnection}, asserting the reply shapes. */
final class Wire {
  private Wire() {}

  /** {@code {"jid":..,"jobtype":"T","args":[n],"queue":q}} with a fresh jid. */
  static ObjectNode job(String queue, String jobtype, long n) {
    ObjectNode job = JobCodec.MAPPER.createObjectNode();
    job.put("jid", ProtocolConnection.randomJid());
    job.put("jobtype", jobtype);
    job.putArray("args").add(n);
    job.put("queue", queue);
    return job;
  }

  static void push(ProtocolConnection conn, ObjectNode job) {
    assertThat(conn.call("PUSH " + job)).as("PUSH %s", job.get("jid")).isEqualTo(Reply.OK);
  }

  /** The fetched job, or null on {@code $-1}. */
  static JsonNode fetch(ProtocolConnection conn, String... queues) {
    Reply reply = conn.call("FETCH " + String.join(" ", queues));
    if (reply instanceof Reply.Null) {
      return null;
    }
    assertThat(reply).as("FETCH reply").isInstanceOf(Reply.Bulk.class);
    return JobCodec.MAPPER.readTree(((Reply.Bulk) reply).text());
  }

  static void ack(ProtocolConnection conn, String jid) {
    assertThat(conn.call("ACK {\"jid\":\"" + jid + "\"}")).as("ACK %s", jid).isEqualTo(Reply.OK);
  }

  static JsonNode info(ProtocolConnection conn) {
    Reply reply = conn.call("INFO");
    assertThat(reply).as("INFO reply").isInstanceOf(Reply.Bulk.class);
    return JobCodec.MAPPER.readTree(((Reply.Bulk) reply).text());
  }

  static long queueSize(JsonNode info, String queue) {
    return info.path("faktory").path("queues").path(queue).asLong(0);
  }

  static long processed(JsonNode info) {
    return info.path("faktory").path("total_processed").asLong(-1);
  }

  static long connections(JsonNode info) {
    return info.path("server").path("connections").asLong(-1);
  }
}
