package dev.fabrik.server.events;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.ResponseStream;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/events?queue=&jobtype=}: the live job events as Server-Sent Events.
 *
 * <pre>
 * : subscribed
 *
 * id: 17
 * event: fetched
 * data: {"type":"fetched","jid":"c1d2e3f4a5b6","jobtype":"SendEmail","queue":"default",
 *        "at":"2026-12-06T00:30:00.5Z","wid":"wid-4fd2","until":null}
 *
 * : heartbeat
 *
 * event: dropped
 * data: {"reason":"the client fell 1000 events behind"}
 * </pre>
 *
 * (each {@code data} is one line). {@code GET /api/events/stats} tells {@code
 * {"subscribers":2,"dropped":1,"buffer_per_subscriber":1000}}: how many listen now and how many
 * were dropped since the start. A heartbeat comment goes out when nothing else did for a while, so
 * proxies and the idle timeout keep the connection. A reader that falls a whole buffer behind is
 * dropped: it gets the events buffered so far and the {@code dropped} event, and the stream ends;
 * if it takes nothing at all for {@link Settings#writeTimeout} the connection is closed instead.
 */
public final class EventStreamApi {
  /**
   * @param heartbeat how long the stream may stay silent before a comment line is sent
   * @param writeTimeout how long a write may wait for a client that takes nothing
   */
  public record Settings(Duration heartbeat, Duration writeTimeout) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(10), Duration.ofSeconds(5));
    }
  }

  private static final int MAX_EVENTS_PER_WRITE = 200;

  private final EventHub hub;
  private final Settings settings;

  public EventStreamApi(EventHub hub, Settings settings) {
    this.hub = hub;
    this.settings = settings;
  }

  public void register(RouteTable routes) {
    routes.get("/api/events", this::stream);
    routes.get(
        "/api/events/stats",
        r -> {
          ObjectNode body = JobCodec.MAPPER.createObjectNode();
          body.put("subscribers", hub.subscribers());
          body.put("dropped", hub.dropped());
          body.put("buffer_per_subscriber", hub.bufferPerSubscriber());
          r.json(200, body);
        });
  }

  private void stream(Requests r) throws IOException {
    EventFilter filter = new EventFilter(r.query("queue", null), r.query("jobtype", null));
    if (r.isHead()) {
      r.send(200, "text/event-stream; charset=utf-8", new byte[0]);
      return;
    }
    Subscription sub;
    try {
      sub = hub.subscribe(filter);
    } catch (EventHub.TooManySubscribers e) {
      throw new HttpError(503, e.getMessage());
    }
    ResponseStream out = r.stream("text/event-stream; charset=utf-8");
    out.onFailure(sub::close);
    try (sub) {
      write(out, sub, ": subscribed\n\n");
      while (!sub.closed()) {
        JobEvent first = sub.next(settings.heartbeat());
        if (first != null) {
          write(out, sub, batch(first, sub));
        } else if (sub.dropped()) {
          write(out, sub, droppedEvent());
          break;
        } else if (!sub.closed()) {
          write(out, sub, ": heartbeat\n\n");
        }
      }
      out.finish();
    } catch (IOException | TimeoutException e) {
      out.abort(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.abort(e);
    }
  }

  private void write(ResponseStream out, Subscription sub, String text)
      throws IOException, TimeoutException {
    out.write(text.getBytes(StandardCharsets.UTF_8), settings.writeTimeout(), sub::dropped);
  }

  /** {@code first} and whatever else is buffered already (up to a bound), as one write. */
  private static String batch(JobEvent first, Subscription sub) throws InterruptedException {
    StringBuilder b = new StringBuilder();
    frame(b, first);
    for (int i = 1; i < MAX_EVENTS_PER_WRITE; i++) {
      JobEvent e = sub.next(Duration.ZERO);
      if (e == null) {
        break;
      }
      frame(b, e);
    }
    return b.toString();
  }

  static void frame(StringBuilder b, JobEvent e) {
    ObjectNode data = JobCodec.MAPPER.createObjectNode();
    data.put("type", e.type());
    data.put("jid", e.jid());
    data.put("jobtype", e.jobtype());
    data.put("queue", e.queue());
    data.put("at", time(e.at()));
    data.put("wid", e.wid());
    data.put("until", time(e.until()));
    // JSON never holds a raw line break, so one data line carries the whole event.
    b.append("id: ").append(e.seq()).append('\n');
    b.append("event: ").append(e.type()).append('\n');
    b.append("data: ").append(JobCodec.MAPPER.writeValueAsString(data)).append("\n\n");
  }

  private String droppedEvent() {
    ObjectNode data = JobCodec.MAPPER.createObjectNode();
    data.put(
        "reason",
        "the client fell more than "
            + hub.bufferPerSubscriber()
            + " events behind; reconnect (events meanwhile are not replayed)");
    return "event: dropped\ndata: " + JobCodec.MAPPER.writeValueAsString(data) + "\n\n";
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
