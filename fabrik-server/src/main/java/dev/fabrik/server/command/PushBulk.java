package dev.fabrik.server.command;

import dev.fabrik.protocol.BulkJobDecoder;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.Manager;
import java.util.List;
import java.util.Map;

/**
 * {@code PUSHB [{job},{job}]} → always a bulk JSON object of the refused jobs: {@code $2\r\n{}}
 * when all were accepted, else {@code {"<jid>":"jobs must have a jobtype parameter"}}. A refused
 * job does not stop the others; the accepted ones (queued and scheduled alike) are stored in one
 * atomic step, so a crash or a full disk never keeps part of them. A body that is not a JSON array
 * of objects refuses the whole command with {@code -ERR invalid JSON: <detail>}.
 *
 * <p>The body is read in one pass that copies each job's {@code args} into its stored bytes ({@link
 * BulkJobDecoder}); a body that pass hands over (malformed, duplicate keys inside a value) is
 * decoded into trees as before, which gives the same jobs or the error PUSHB always gave.
 */
final class PushBulk implements CommandHandler {
  private final Manager manager;

  PushBulk(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) {
    String body = Arguments.required(argument);
    List<Job> jobs = BulkJobDecoder.decode(body).orElseGet(() -> decodeTrees(body));
    Map<String, String> refused = manager.pushBulk(jobs);
    return Reply.bulk(JobCodec.MAPPER.writeValueAsBytes(refused));
  }

  private static List<Job> decodeTrees(String body) {
    try {
      return JobCodec.decodeArray(body);
    } catch (JobFormatException e) {
      throw CommandException.err("invalid JSON: " + e.getMessage());
    }
  }
}
