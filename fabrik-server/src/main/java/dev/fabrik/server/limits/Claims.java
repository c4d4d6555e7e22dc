package dev.fabrik.server.limits;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.storage.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** The slots and rate starts one reserved job must take under the rules in force. */
record Claims(List<LimitStore.SlotClaim> slots, List<Rate> rates) {

  /** A start to take from {@code rule}'s bucket for {@code partition} (null: not partitioned). */
  record Rate(LimitRule rule, String partition) {}

  boolean isEmpty() {
    return slots.isEmpty() && rates.isEmpty();
  }

  List<LimitStore.RateTake> takes(Instant now) {
    List<LimitStore.RateTake> out = new ArrayList<>();
    for (Rate r : rates) {
      out.add(
          new LimitStore.RateTake(
              r.rule().bucket(r.partition()), r.rule().rate(), micros(r.rule().period())));
    }
    return out;
  }

  /**
   * What a FETCH must take for {@code r}. The rules are found from the reservation's queue and its
   * job type (read once per reservation and shared with the other listeners); the payload is parsed
   * only when a rate rule is partitioned by a key taken from the job.
   */
  static Claims of(LimitRules in, Reservation r, String wid) {
    List<LimitRule> rules = rulesOf(in, r.queue(), r.jobtype());
    JsonNode job = null;
    List<Rate> rates = new ArrayList<>();
    for (LimitRule rule : rules) {
      if (rule.rate() > 0 && rule.key() != null) {
        job = job == null ? parse(r.payload()) : job;
        rates.add(new Rate(rule, PartitionKey.parse(rule.key()).of(job)));
      } else if (rule.rate() > 0) {
        rates.add(new Rate(rule, null));
      }
    }
    return new Claims(slots(rules, r, wid), rates);
  }

  /**
   * The slots a run of {@code r} holds under the rules in force (its queue's, its type's), found
   * without parsing the payload.
   */
  static List<LimitStore.SlotClaim> slotsHeld(LimitRules in, Reservation r) {
    return slots(rulesOf(in, r.queue(), r.jobtype()), r, r.wid());
  }

  private static List<LimitStore.SlotClaim> slots(
      List<LimitRule> rules, Reservation r, String wid) {
    List<LimitStore.SlotClaim> slots = new ArrayList<>();
    for (LimitRule rule : rules) {
      Instant expires =
          rule.timeout() == null ? r.expiresAt() : r.reservedAt().plus(rule.timeout());
      if (rule.concurrency() > 0) {
        slots.add(new LimitStore.SlotClaim(rule.slotKey(), rule.concurrency(), expires));
      }
      if (rule.worker() > 0) {
        slots.add(new LimitStore.SlotClaim(rule.workerSlotKey(wid), rule.worker(), expires));
      }
    }
    return slots;
  }

  private static JsonNode parse(byte[] payload) {
    try {
      return JobCodec.MAPPER.readTree(payload);
    } catch (JacksonException e) {
      return JobCodec.MAPPER.createObjectNode();
    }
  }

  /** The rules of a job's queue and of its type (each present at most once). */
  static List<LimitRule> rulesOf(LimitRules in, JsonNode job) {
    return rulesOf(in, job.path("queue").asString(""), job.path("jobtype").asString(""));
  }

  private static List<LimitRule> rulesOf(LimitRules in, String queue, String jobtype) {
    List<LimitRule> out = new ArrayList<>(2);
    LimitRule q = in.queue(queue);
    if (q != null) {
      out.add(q);
    }
    LimitRule t = jobtype == null ? null : in.jobtype(jobtype);
    if (t != null) {
      out.add(t);
    }
    return out;
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1_000;
  }
}
