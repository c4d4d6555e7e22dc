package dev.fabrik.server.cron;

import java.time.ZoneId;
import tools.jackson.databind.node.ObjectNode;

/**
 * One cron entry, parsed and valid: fire {@code job} on {@code schedule}.
 *
 * @param id stable across restarts and nodes: the {@code name} when given, else a hash of the
 *     definition (so an edited unnamed entry is a new entry, with no history)
 * @param name the operator's name, or null
 * @param expression the schedule as written
 * @param zone the zone cron fields are read in (UTC unless {@code timezone} says otherwise)
 * @param job the job template (Faktory's {@code [cron.job]}: {@code jobtype}, queue, args, retry,
 *     custom …) without jid; each tick pushes a copy with a fresh jid
 * @param source where it was defined: {@code conf.d/20-cron.toml:3} or {@code api}
 * @param definition the canonical JSON definition (what the store keeps for API entries)
 */
public record CronEntry(
    String id,
    String name,
    String expression,
    ZoneId zone,
    CatchUp catchUp,
    ObjectNode job,
    String source,
    Schedule schedule,
    ObjectNode definition) {

  /** Source of entries added through the JSON API. */
  public static final String API = "api";

  public boolean fromApi() {
    return API.equals(source);
  }

  public String jobtype() {
    return job.path("jobtype").asString("");
  }

  public String queue() {
    return job.path("queue").asString("default");
  }

  /** The schedule in words, with its zone when that is not UTC. */
  public String describe() {
    String words = schedule.describe();
    return zone.getId().equals("UTC") || schedule instanceof EverySchedule
        ? words
        : words + " (" + zone.getId() + ")";
  }
}
