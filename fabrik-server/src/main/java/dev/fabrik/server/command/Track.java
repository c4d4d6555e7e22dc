package dev.fabrik.server.command;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Reply;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.tracking.TrackRecord;
import dev.fabrik.server.tracking.TrackUpdate;
import dev.fabrik.server.tracking.Tracker;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job tracking (spec §8.5), for jobs pushed with {@code "custom":{"track":1}}:
 *
 * <pre>
 * TRACK SET {"jid":"j1","percent":40,"desc":"resizing","reserve_until":"2026-06-30T18:00:00Z"}
 *   → +OK   (every field but jid optional; reserve_until only ever extends, at most 24 h ahead)
 * TRACK GET j1
 *   → $.. {"jid":"j1","percent":40,"desc":"resizing","state":"working","updated_at":"..."}
 * </pre>
 *
 * {@code state} is one of {@code unknown enqueued working success failed dead}; a jid never tracked
 * (or finished more than 30 minutes ago) is {@code unknown} without {@code updated_at}.
 */
final class Track implements CommandHandler {
  private final Tracker tracker;

  Track(Tracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public Reply handle(String argument, Session session) {
    String text = Arguments.required(argument).strip();
    int space = text.indexOf(' ');
    String sub = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
    String rest = space < 0 ? "" : text.substring(space + 1).strip();
    return switch (sub) {
      case "SET" -> {
        tracker.set(update(rest));
        yield Reply.OK;
      }
      case "GET" -> {
        if (rest.isEmpty() || rest.contains(" ")) {
          throw CommandException.err("TRACK GET needs one jid");
        }
        yield Reply.bulk(json(tracker.get(rest)));
      }
      default ->
          throw CommandException.err("no such TRACK subcommand: " + CommandException.excerpt(sub));
    };
  }

  private static TrackUpdate update(String text) {
    JsonNode o;
    try {
      o = text.isEmpty() ? null : Arguments.json(text);
    } catch (JacksonException e) {
      throw CommandException.err("invalid TRACK SET " + CommandException.excerpt(text));
    }
    if (o == null || !o.isObject()) {
      throw CommandException.err("invalid TRACK SET " + CommandException.excerpt(text));
    }
    JsonNode jid = o.get("jid");
    if (jid == null || !jid.isString() || jid.stringValue().isEmpty()) {
      throw CommandException.err("TRACK SET needs a jid");
    }
    return new TrackUpdate(
        jid.stringValue(), percent(o.get("percent")), desc(o.get("desc")), until(o));
  }

  private static Integer percent(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw CommandException.err("percent must be an integer within 0..100");
    }
    return v.intValue();
  }

  private static String desc(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw CommandException.err("desc must be a string");
    }
    return v.stringValue();
  }

  private static Instant until(JsonNode o) {
    JsonNode v = o.get("reserve_until");
    if (v == null || v.isNull() || (v.isString() && v.stringValue().isEmpty())) {
      return null;
    }
    if (!v.isString()) {
      throw CommandException.err("reserve_until must be an RFC 3339 timestamp string");
    }
    try {
      return Timestamps.parse(v.stringValue());
    } catch (DateTimeParseException e) {
      throw CommandException.err(
          "invalid timestamp for 'reserve_until': " + CommandException.excerpt(v.stringValue()));
    }
  }

  private static String json(TrackRecord r) {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("jid", r.jid());
    if (r.percent() != null) {
      o.put("percent", r.percent());
    }
    if (r.desc() != null) {
      o.put("desc", r.desc());
    }
    o.put("state", r.state().wireName());
    if (r.updatedAt() != null) {
      o.put("updated_at", Timestamps.format(r.updatedAt()));
    }
    return JobCodec.MAPPER.writeValueAsString(o);
  }
}
