package dev.fabrik.client;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Reply;
import dev.fabrik.protocol.Timestamps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A batch of jobs (Faktory Enterprise batches; the server's docs/batches.md): the server pushes the
 * {@code complete} callback job once every job of the batch ran, and the {@code success} callback
 * once every job succeeded.
 *
 * <pre>{@code
 * Batch batch = Batch.builder()
 *     .description("nightly import")
 *     .onComplete(Jobs.of("ImportDone", 42))
 *     .onSuccess(Jobs.of("ImportOk", 42))
 *     .create(client);                      // BATCH NEW {...}
 * for (Row row : rows) {
 *   batch.push(Jobs.of("Import", row.id())); // PUSH with custom.bid
 * }
 * batch.commit();                           // BATCH COMMIT
 * }</pre>
 *
 * From inside a running job of the batch, add more with {@code Batch.reopen(client,
 * Batch.bidOf(job).orElseThrow())}, push, and commit again. A {@code Batch} uses the client it was
 * made with, so it is no more thread-safe than that client.
 */
public final class Batch {
  private final Client client;
  private final String bid;

  private Batch(Client client, String bid) {
    this.client = client;
    this.bid = bid;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code BATCH OPEN}: opens an existing batch again so jobs can join (e.g. from inside one of its
   * running jobs); {@link #commit} it when done.
   *
   * @throws ServerErrorException the batch is unknown (expired, or finished past its retention)
   */
  public static Batch reopen(Client client, String bid) {
    Reply reply = client.command("BATCH OPEN " + checked(bid));
    return new Batch(client, simple(reply, "BATCH OPEN"));
  }

  /** {@code BATCH STATUS} of any batch. */
  public static BatchStatus status(Client client, String bid) {
    JsonNode o = client.jsonReply(client.command("BATCH STATUS " + checked(bid)), "BATCH STATUS");
    return new BatchStatus(
        o.path("bid").asString(bid),
        text(o, "parent_bid"),
        text(o, "description"),
        Timestamps.parse(o.path("created_at").asString()),
        o.path("total").asLong(),
        o.path("pending").asLong(),
        o.path("failed").asLong(),
        o.path("complete_st").asString(""),
        o.path("success_st").asString(""));
  }

  /** The batch a job belongs to ({@code custom.bid}), e.g. the job a worker is running. */
  public static Optional<String> bidOf(Job job) {
    return custom(job, "bid");
  }

  /** The batch whose callback this job is ({@code custom._bid}), for callback handlers. */
  public static Optional<String> callbackBidOf(Job job) {
    return custom(job, "_bid");
  }

  /** {@code job} with {@code custom.bid} set to this batch, everything else unchanged. */
  public Job member(Job job) {
    ObjectNode tree = (ObjectNode) JobCodec.MAPPER.readTree(JobCodec.encode(job));
    JsonNode custom = tree.get("custom");
    ObjectNode c = custom instanceof ObjectNode o ? o : tree.putObject("custom");
    c.put("bid", bid);
    return JobCodec.decode(JobCodec.MAPPER.writeValueAsBytes(tree));
  }

  public String bid() {
    return bid;
  }

  /** PUSH of {@code job} into this batch (the batch must be open). */
  public void push(Job job) {
    client.push(member(job));
  }

  /** PUSHB of {@code jobs} into this batch; returns {@code jid → error} for the ones refused. */
  public Map<String, String> pushBulk(List<Job> jobs) {
    List<Job> members = new ArrayList<>(jobs.size());
    for (Job j : jobs) {
      members.add(member(j));
    }
    return client.pushBulk(members);
  }

  /** {@code BATCH COMMIT}: no more jobs join until a {@link #reopen}; callbacks may now fire. */
  public void commit() {
    Reply reply = client.command("BATCH COMMIT " + bid);
    if (!Reply.OK.equals(reply)) {
      throw new ProtocolViolationException("BATCH COMMIT expected +OK, got " + reply, null);
    }
  }

  public BatchStatus status() {
    return status(client, bid);
  }

  /** What {@code BATCH NEW} is given. At least one callback is required. */
  public static final class Builder {
    private String description;
    private String parentBid;
    private Job complete;
    private Job success;

    private Builder() {}

    public Builder description(String value) {
      description = value;
      return this;
    }

    /** Makes the new batch a child of {@code bid}: the parent completes only after it. */
    public Builder parent(String bid) {
      parentBid = checked(bid);
      return this;
    }

    /** The job the server pushes once every job of the batch ran (ACK or FAIL). */
    public Builder onComplete(Job job) {
      complete = Objects.requireNonNull(job, "job");
      return this;
    }

    /** The job the server pushes once every job succeeded (after the complete callback). */
    public Builder onSuccess(Job job) {
      success = Objects.requireNonNull(job, "job");
      return this;
    }

    /** {@code BATCH NEW}: creates the batch, open for jobs until {@link Batch#commit}. */
    public Batch create(Client client) {
      if (complete == null && success == null) {
        throw new IllegalStateException("a batch needs onComplete or onSuccess");
      }
      ObjectNode o = JobCodec.MAPPER.createObjectNode();
      if (description != null) {
        o.put("description", description);
      }
      if (parentBid != null) {
        o.put("parent_bid", parentBid);
      }
      if (success != null) {
        o.set("success", JobCodec.MAPPER.readTree(JobCodec.encode(success)));
      }
      if (complete != null) {
        o.set("complete", JobCodec.MAPPER.readTree(JobCodec.encode(complete)));
      }
      Reply reply = client.command("BATCH NEW " + JobCodec.MAPPER.writeValueAsString(o));
      return new Batch(client, simple(reply, "BATCH NEW"));
    }
  }

  private static String simple(Reply reply, String command) {
    if (reply instanceof Reply.Simple s && !s.text().isEmpty()) {
      return s.text();
    }
    if (reply instanceof Reply.Bulk b && !b.text().isEmpty()) {
      return b.text();
    }
    throw new ProtocolViolationException(command + " expected a bid, got " + reply, null);
  }

  private static String checked(String bid) {
    if (bid == null || bid.isEmpty() || bid.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("invalid bid: '" + bid + "'");
    }
    return bid;
  }

  private static Optional<String> custom(Job job, String key) {
    if (job.custom() == null) {
      return Optional.empty();
    }
    JsonNode v = job.custom().get(key);
    return v != null && v.isString() && !v.stringValue().isEmpty()
        ? Optional.of(v.stringValue())
        : Optional.empty();
  }

  private static String text(JsonNode o, String name) {
    JsonNode v = o.get(name);
    return v == null || v.isNull() ? null : v.asString();
  }
}
