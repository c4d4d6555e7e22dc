package dev.fabrik.client;

import dev.fabrik.protocol.HandshakeException;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.ProtocolException;
import dev.fabrik.protocol.Reply;
import dev.fabrik.protocol.Timestamps;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One connection to a Faktory-compatible server, one command at a time. Not thread-safe: share a
 * {@link ClientPool} between threads instead.
 *
 * <pre>{@code
 * try (Client client = Client.connect(ClientConfig.fromEnvironment(System.getenv()))) {
 *   client.push(Jobs.of("SendEmail", 42));
 * }
 * }</pre>
 *
 * Failures: {@link ServerErrorException} leaves the connection usable; after a {@link
 * ConnectionException} or {@link ProtocolViolationException} the client is {@linkplain #isBroken()
 * broken} and every later command throws {@link ConnectionException}.
 */
public final class Client implements AutoCloseable {
  private final ProtocolConnection conn;
  private final ClientConfig config;
  private boolean broken;
  private boolean closed;

  private Client(ProtocolConnection conn, ClientConfig config) {
    this.conn = conn;
    this.config = config;
  }

  /**
   * Connects and completes the handshake.
   *
   * @throws ConnectionException the server is unreachable or refused the handshake (e.g. wrong
   *     password)
   */
  public static Client connect(ClientConfig config) {
    try {
      return new Client(ProtocolConnection.open(config.toConnectionOptions()), config);
    } catch (UncheckedIOException e) {
      throw new ConnectionException(e.getMessage(), e.getCause());
    } catch (HandshakeException e) {
      throw new ConnectionException("handshake with " + endpoint(config) + " failed: " + e, e);
    } catch (ProtocolException e) {
      throw new ProtocolViolationException(
          "unexpected greeting from " + endpoint(config) + ": " + e.getMessage(), e);
    }
  }

  public ClientConfig config() {
    return config;
  }

  /** True after an I/O or protocol failure, or once closed: discard this client. */
  public boolean isBroken() {
    return broken || closed;
  }

  /**
   * Enqueues one job (or schedules it when {@code at} is in the future).
   *
   * <pre>C: PUSH {"jid":"...","jobtype":"SendEmail","args":[42]}    S: +OK</pre>
   */
  public void push(Job job) {
    expectOk(call("PUSH " + JobCodec.encodeToString(hooked(job))));
  }

  private Job hooked(Job job) {
    PushHook hook = config.pushHook();
    return hook == null ? job : hook.beforePush(job);
  }

  /**
   * Enqueues several jobs in one round trip; not atomic.
   *
   * <pre>
   * C: PUSHB [{...},{...}]    S: $2 {}   or   S: $.. {"jid1":"jobs must have a jobtype parameter"}
   * </pre>
   *
   * @return jid → error text for each rejected job; empty when all were accepted
   */
  public Map<String, String> pushBulk(List<Job> jobs) {
    if (jobs.isEmpty()) {
      return Map.of();
    }
    List<Job> sent = config.pushHook() == null ? jobs : jobs.stream().map(this::hooked).toList();
    JsonNode errors = json(call("PUSHB " + JobCodec.encodeArray(sent)), "PUSHB");
    Map<String, String> out = new LinkedHashMap<>();
    errors.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString("")));
    return out;
  }

  /**
   * Reserves the next job from the first non-empty queue, in the order given. The server waits up
   * to about 2 s for a job before answering "none".
   *
   * <pre>C: FETCH critical default    S: $.. {job}   or   S: $-1</pre>
   *
   * @param queues queue names in priority order; none means {@code default}
   */
  public Optional<Job> fetch(String... queues) {
    String[] names = queues.length == 0 ? new String[] {"default"} : queues;
    Reply reply = call("FETCH " + names(names));
    if (reply instanceof Reply.Null) {
      return Optional.empty();
    }
    if (reply instanceof Reply.Bulk bulk) {
      try {
        return Optional.of(JobCodec.decode(bulk.payload()));
      } catch (JobFormatException | JacksonException e) {
        throw violation("FETCH returned an undecodable job: " + e.getMessage(), e);
      }
    }
    throw violation("FETCH expected a job or $-1, got " + describe(reply), null);
  }

  /**
   * Reports success.
   *
   * <pre>C: ACK {"jid":"..."}    S: +OK</pre>
   */
  public void ack(String jid) {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("jid", jid);
    expectOk(call("ACK " + JobCodec.MAPPER.writeValueAsString(o)));
  }

  /**
   * Asks the server to run a reserved job again after {@code delay} instead of failing it (a Fabrik
   * snooze, docs/snooze.md): it goes to the scheduled set with its retry count untouched. The
   * message repeats the delay in the text form, so another Faktory server records it as an ordinary
   * failure whose message says what was meant.
   *
   * <pre>C: FAIL {"jid":"...","errtype":"Snooze","message":"snooze 30","snooze":30.0}    S: +OK
   * </pre>
   *
   * @param delay more than 0, at most 365 days (the server refuses anything else with -ERR)
   */
  public void snooze(String jid, Duration delay) {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("jid", jid);
    o.put("errtype", "Snooze");
    o.put("message", "snooze " + Math.max(1, delay.toSeconds()));
    o.put("snooze", delay.toMillis() / 1000.0);
    expectOk(call("FAIL " + JobCodec.MAPPER.writeValueAsString(o)));
  }

  /**
   * Reports failure; the server schedules a retry or moves the job to the dead set.
   *
   * <pre>C: FAIL {"jid":"...","errtype":"IOException","message":"...","backtrace":["..."]}  S: +OK
   * </pre>
   *
   * @param backtrace may be null or empty
   */
  public void fail(String jid, String errtype, String message, List<String> backtrace) {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("jid", jid);
    o.put("errtype", errtype);
    o.put("message", message);
    ArrayNode lines = o.putArray("backtrace");
    if (backtrace != null) {
      backtrace.forEach(lines::add);
    }
    expectOk(call("FAIL " + JobCodec.MAPPER.writeValueAsString(o)));
  }

  /**
   * Heartbeat for worker process {@code wid}; must be sent every ~15 s.
   *
   * <pre>
   * C: BEAT {"wid":"w1","rss_kb":1024,"current_state":"quiet"}   S: +OK | $.. {"state":"quiet"}
   * </pre>
   *
   * @param state the state the worker reports (null or RUNNING: nothing to report)
   * @return the state the server wants the worker in
   */
  public WorkerState beat(String wid, long rssKb, WorkerState state) {
    return beat(wid, rssKb, state, -1, -1);
  }

  /**
   * Heartbeat that also says how busy the process is, for the server's Busy page (Fabrik fields; a
   * Faktory server ignores them).
   *
   * <pre>
   * C: BEAT {"wid":"w1","rss_kb":1024,"concurrency":20,"busy":3}   S: +OK
   * </pre>
   *
   * @param concurrency jobs the process runs at most at once; negative: not sent
   * @param busy jobs it runs right now; negative: not sent
   */
  public WorkerState beat(String wid, long rssKb, WorkerState state, int concurrency, int busy) {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("wid", wid);
    o.put("rss_kb", rssKb);
    if (state != null && state != WorkerState.RUNNING) {
      o.put("current_state", state.wireName());
    }
    if (concurrency >= 0) {
      o.put("concurrency", concurrency);
    }
    if (busy >= 0) {
      o.put("busy", busy);
    }
    Reply reply = call("BEAT " + JobCodec.MAPPER.writeValueAsString(o));
    if (Reply.OK.equals(reply)) {
      return WorkerState.RUNNING;
    }
    String text;
    if (reply instanceof Reply.Bulk bulk) {
      text = bulk.text();
    } else if (reply instanceof Reply.Simple simple) {
      text = simple.text(); // the spec's example shows +{"state":...}; accept it too
    } else {
      throw violation("BEAT expected +OK or a state, got " + describe(reply), null);
    }
    String name = parse(text, "BEAT").path("state").asString("");
    switch (name) {
      case "quiet":
        return WorkerState.QUIET;
      case "terminate":
        return WorkerState.TERMINATE;
      case "running":
      case "":
        return WorkerState.RUNNING;
      default:
        throw violation("BEAT returned unknown state '" + name + "'", null);
    }
  }

  /**
   * Server state: queue sizes, set sizes, totals, version.
   *
   * <pre>C: INFO   S: $.. {...}</pre>
   */
  public ServerInfo info() {
    JsonNode root = json(call("INFO"), "INFO");
    try {
      return ServerInfo.from(root);
    } catch (ProtocolViolationException e) {
      broken = true;
      throw e;
    }
  }

  /**
   * Deletes all job data on the server.
   *
   * <pre>C: FLUSH    S: +OK</pre>
   */
  public void flush() {
    expectOk(call("FLUSH"));
  }

  /** Kills, requeues, discards or clears entries of a job set. */
  public void mutate(MutateCommand command) {
    expectOk(call("MUTATE " + command.toJson()));
  }

  /** Stops FETCH from handing out jobs of these queues ({@code *}: all). */
  public void queuePause(String... queues) {
    expectOk(call("QUEUE PAUSE " + names(queues)));
  }

  /** Undoes {@link #queuePause}. */
  public void queueResume(String... queues) {
    expectOk(call("QUEUE RESUME " + names(queues)));
  }

  /** Deletes these queues and their jobs. */
  public void queueRemove(String... queues) {
    expectOk(call("QUEUE REMOVE " + names(queues)));
  }

  /**
   * Seconds the oldest job of each queue has been waiting (0 when empty).
   *
   * <pre>C: QUEUE LATENCY default low    S: $.. {"default":8.14,"low":0}</pre>
   */
  public Map<String, Double> queueLatency(String... queues) {
    JsonNode node = json(call("QUEUE LATENCY " + names(queues)), "QUEUE LATENCY");
    Map<String, Double> out = new LinkedHashMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asDouble(0)));
    return out;
  }

  /**
   * Reports the progress of a job (shown on the web UI; read back with {@link #trackStatus}).
   *
   * <pre>C: TRACK SET {"jid":"...","percent":40,"desc":"resizing"}    S: +OK</pre>
   *
   * @param percent 0 to 100
   * @param desc short text for people, may be null
   */
  public void trackProgress(String jid, int percent, String desc) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent must be within 0..100: " + percent);
    }
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("jid", jid);
    o.put("percent", percent);
    if (desc != null) {
      o.put("desc", desc);
    }
    expectOk(call("TRACK SET " + JobCodec.MAPPER.writeValueAsString(o)));
  }

  /**
   * Moves the reservation of a job being worked on to {@code until} (never earlier than it was), so
   * a long job is not taken for lost. The server refuses a time in the past, more than 24 h ahead,
   * or for a job that holds no reservation ({@link ServerErrorException}).
   *
   * <pre>C: TRACK SET {"jid":"...","reserve_until":"2026-06-30T18:00:00Z"}    S: +OK</pre>
   */
  public void extendReservation(String jid, Instant until) {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("jid", jid);
    o.put("reserve_until", Timestamps.format(until));
    expectOk(call("TRACK SET " + JobCodec.MAPPER.writeValueAsString(o)));
  }

  /**
   * The tracked state and progress of a job pushed with {@link JobBuilder#tracked()}; {@code
   * UNKNOWN} for a job never tracked or finished more than 30 minutes ago.
   *
   * <pre>C: TRACK GET jid    S: $.. {"jid":"...","percent":40,"desc":"...","state":"working",...}
   * </pre>
   */
  public TrackStatus trackStatus(String jid) {
    if (jid == null || jid.isEmpty() || jid.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("invalid jid: '" + jid + "'");
    }
    JsonNode o = json(call("TRACK GET " + jid), "TRACK GET");
    JsonNode percent = o.get("percent");
    JsonNode desc = o.get("desc");
    String updated = o.path("updated_at").asString("");
    try {
      return new TrackStatus(
          o.path("jid").asString(jid),
          TrackStatus.State.fromWire(o.path("state").asString("")),
          percent == null || percent.isNull() ? null : percent.asInt(),
          desc == null || desc.isNull() ? null : desc.asString(),
          updated.isEmpty() ? null : Timestamps.parse(updated));
    } catch (DateTimeParseException e) {
      throw violation("TRACK GET returned a bad updated_at: " + abbreviate(updated), e);
    }
  }

  /** Says {@code END} and closes the socket. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      conn.close();
    }
  }

  // --- plumbing ---

  /** One command and its reply, for the feature classes of this package ({@link Batch}). */
  Reply command(String line) {
    return call(line);
  }

  /** {@code reply} must be a JSON bulk reply to {@code command}. */
  JsonNode jsonReply(Reply reply, String command) {
    return json(reply, command);
  }

  private Reply call(String line) {
    if (closed) {
      throw new ConnectionException("client is closed");
    }
    if (broken) {
      throw new ConnectionException("connection broke earlier; discard this client");
    }
    Reply reply;
    try {
      reply = conn.call(line);
    } catch (UncheckedIOException e) {
      broken = true;
      throw new ConnectionException(
          "connection to " + endpoint(config) + " failed: " + e.getCause(), e.getCause());
    } catch (ProtocolException e) {
      throw violation("malformed reply from " + endpoint(config) + ": " + e.getMessage(), e);
    }
    if (reply instanceof Reply.Error error) {
      throw NotUniqueException.CODE.equals(error.code())
          ? new NotUniqueException(error.message())
          : new ServerErrorException(error.code(), error.message());
    }
    return reply;
  }

  private void expectOk(Reply reply) {
    if (!Reply.OK.equals(reply)) {
      throw violation("expected +OK, got " + describe(reply), null);
    }
  }

  private JsonNode json(Reply reply, String command) {
    if (!(reply instanceof Reply.Bulk bulk)) {
      throw violation(command + " expected a JSON bulk reply, got " + describe(reply), null);
    }
    return parse(bulk.text(), command);
  }

  private JsonNode parse(String text, String command) {
    try {
      JsonNode node = JobCodec.MAPPER.readTree(text);
      if (node == null || !node.isObject()) {
        throw violation(command + " reply is not a JSON object: " + abbreviate(text), null);
      }
      return node;
    } catch (JacksonException e) {
      throw violation(command + " reply is not valid JSON: " + abbreviate(text), e);
    }
  }

  private ProtocolViolationException violation(String message, Throwable cause) {
    broken = true;
    return new ProtocolViolationException(message, cause);
  }

  private static String names(String[] queues) {
    if (queues.length == 0) {
      throw new IllegalArgumentException("name at least one queue");
    }
    for (String q : queues) {
      if (q == null || q.isEmpty() || q.chars().anyMatch(c -> c <= ' ')) {
        throw new IllegalArgumentException("invalid queue name: '" + q + "'");
      }
    }
    return String.join(" ", Arrays.asList(queues));
  }

  private static String describe(Reply reply) {
    if (reply instanceof Reply.Simple simple) {
      return "+" + abbreviate(simple.text());
    }
    if (reply instanceof Reply.Bulk bulk) {
      return "bulk " + abbreviate(bulk.text());
    }
    if (reply instanceof Reply.Error error) {
      return "-" + error.text();
    }
    return "$-1";
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  private static String endpoint(ClientConfig config) {
    return config.host() + ":" + config.port();
  }
}
