package dev.fabrik.client.admin;

import dev.fabrik.protocol.JobCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A live subscription to the server's event stream, read by a daemon thread of its own that calls
 * the {@link EventListener}. Parses the Server-Sent Events frames:
 *
 * <pre>
 * id: 17
 * event: acked
 * data: {"type":"acked","jid":"c1d2e3f4a5b6","jobtype":"SendEmail","queue":"default",...}
 *
 * </pre>
 *
 * Comment lines ({@code : heartbeat}) are skipped. {@link #close()} ends it.
 */
public final class EventSubscription implements AutoCloseable {
  private final InputStream body;
  private final EventListener listener;
  private final Thread reader;
  private volatile boolean closed;

  /** Set before the listener hears onClosed, so isOpen() is already false inside it. */
  private volatile boolean ended;

  EventSubscription(InputStream body, EventListener listener) {
    this.body = body;
    this.listener = listener;
    this.reader = new Thread(this::read, "fabrik-events");
    reader.setDaemon(true);
  }

  void start() {
    reader.start();
  }

  /** True until the stream ended or was closed. */
  public boolean isOpen() {
    return !ended && !closed && reader.isAlive();
  }

  /** Stops reading and closes the connection; the listener hears {@code onClosed(null)}. */
  @Override
  public void close() {
    closed = true;
    try {
      body.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private void read() {
    String reason = null;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String event = null;
      String id = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            if ("dropped".equals(event)) {
              reason = "dropped by the server: " + field(data.toString(), "reason");
            } else {
              listener.onEvent(parse(id, data.toString()));
            }
          }
          event = null;
          id = null;
          data.setLength(0);
        } else if (line.startsWith(":")) {
          continue; // comment: heartbeat or greeting
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) {
            data.append('\n');
          }
          data.append(line.substring(5).stripLeading());
        }
      }
      if (reason == null && !closed) {
        reason = "the server ended the stream";
      }
    } catch (IOException e) {
      if (!closed) {
        reason = "event stream failed: " + e.getMessage();
      }
    } finally {
      ended = true;
      listener.onClosed(closed ? null : reason);
    }
  }

  private static String field(String json, String name) {
    try {
      return AdminJson.text(JobCodec.MAPPER.readTree(json).get(name));
    } catch (JacksonException e) {
      return json;
    }
  }

  private static JobEvent parse(String id, String json) {
    JsonNode n;
    try {
      n = JobCodec.MAPPER.readTree(json);
    } catch (JacksonException e) {
      n = JobCodec.MAPPER.createObjectNode();
    }
    long seq;
    try {
      seq = id == null ? -1 : Long.parseLong(id);
    } catch (NumberFormatException e) {
      seq = -1;
    }
    return new JobEvent(
        seq,
        AdminJson.text(n.get("type")),
        AdminJson.text(n.get("jid")),
        AdminJson.text(n.get("jobtype")),
        AdminJson.text(n.get("queue")),
        AdminJson.time(n.get("at")),
        AdminJson.text(n.get("wid")),
        AdminJson.time(n.get("until")),
        json);
  }
}
