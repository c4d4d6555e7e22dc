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

  static Claims of(LimitRules in, Reservation r, String wid) {
    JsonNode job;
    try {
      job = JobCodec.MAPPER.readTree(r.payload());
    } catch (JacksonException e) {
      job = JobCodec.MAPPER.createObjectNode();
    }
    List<LimitStore.SlotClaim> slots = new ArrayList<>();
    List<Rate> rates = new ArrayList<>();
    for (LimitRule rule : rulesOf(in, job, r.queue())) {
      Instant expires =
          rule.timeout() == null ? r.expiresAt() : r.reservedAt().plus(rule.timeout());
      if (rule.concurrency() > 0) {
        slots.add(new LimitStore.SlotClaim(rule.slotKey(), rule.concurrency(), expires));
      }
      if (rule.worker() > 0) {
        slots.add(new LimitStore.SlotClaim(rule.workerSlotKey(wid), rule.worker(), expires));
      }
      if (rule.rate() > 0) {
        rates.add(
            new Rate(rule, rule.key() == null ? null : PartitionKey.parse(rule.key()).of(job)));
      }
    }
    return new Claims(slots, rates);
  }

  /** The rules of a job's queue and of its type (each present at most once). */
  static List<LimitRule> rulesOf(LimitRules in, JsonNode job) {
    return rulesOf(in, job, job.path("queue").asString(""));
  }

  private static List<LimitRule> rulesOf(LimitRules in, JsonNode job, String queue) {
    List<LimitRule> out = new ArrayList<>(2);
    LimitRule q = in.queue(queue);
    if (q != null) {
      out.add(q);
    }
    LimitRule t = in.jobtype(job.path("jobtype").asString(""));
    if (t != null) {
      out.add(t);
    }
    return out;
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1_000;
  }
}
