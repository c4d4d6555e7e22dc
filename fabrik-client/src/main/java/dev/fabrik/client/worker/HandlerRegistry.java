package dev.fabrik.client.worker;

import dev.fabrik.protocol.JobCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Handlers by job type plus the middleware chain around them. The {@link WorkerManager} and the
 * {@code InlineRunner} perform jobs through the same registry, so tests exercise production
 * dispatch. Register everything before the worker starts; not meant to change while jobs run.
 */
public final class HandlerRegistry {
  private final Map<String, JsonJobHandler> handlers = new LinkedHashMap<>();
  private final List<Middleware> middleware = new ArrayList<>();
  private final ObjectMapper mapper;

  private HandlerRegistry(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /** A registry binding typed arguments with {@link JobCodec#MAPPER}. */
  public static HandlerRegistry create() {
    return new HandlerRegistry(JobCodec.MAPPER);
  }

  /** A registry binding typed arguments with the application's own mapper (modules, naming). */
  public static HandlerRegistry create(ObjectMapper mapper) {
    return new HandlerRegistry(mapper);
  }

  /** Registers {@code handler} for {@code jobtype} with the arguments as plain Java values. */
  public HandlerRegistry register(String jobtype, JobHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return registerJson(jobtype, (ctx, args) -> handler.perform(ctx, toList(args)));
  }

  /** Registers {@code handler} for {@code jobtype} with the arguments as a JSON array. */
  public HandlerRegistry registerJson(String jobtype, JsonJobHandler handler) {
    Objects.requireNonNull(jobtype, "jobtype");
    Objects.requireNonNull(handler, "handler");
    if (handlers.putIfAbsent(jobtype, handler) != null) {
      throw new IllegalArgumentException("a handler is already registered for " + jobtype);
    }
    return this;
  }

  /** Registers {@code handler} for {@code jobtype}, binding {@code args[0]} to {@code type}. */
  public <T> HandlerRegistry register(
      String jobtype, Class<T> type, TypedJobHandler<? super T> handler) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    return registerJson(jobtype, (ctx, args) -> handler.perform(ctx, bind(args, type)));
  }

  /** Adds {@code m} inside the middleware registered before it. */
  public HandlerRegistry use(Middleware m) {
    middleware.add(Objects.requireNonNull(m, "middleware"));
    return this;
  }

  /** The registered job types, in registration order. */
  public Set<String> jobtypes() {
    return java.util.Collections.unmodifiableSet(handlers.keySet());
  }

  /**
   * Performs the job in {@code ctx} through every middleware and its handler on the calling thread.
   * Returning normally means ACK; any exception (including {@link UnknownJobTypeException}) means
   * FAIL.
   */
  public void perform(JobContext ctx) throws Exception {
    JsonJobHandler handler = handlers.get(ctx.type());
    new Chain(ctx, handler).proceed();
  }

  /** One walk down the middleware list; index 0 is outermost. */
  private final class Chain implements Middleware.Next {
    private final JobContext ctx;
    private final JsonJobHandler handler;
    private int next;

    Chain(JobContext ctx, JsonJobHandler handler) {
      this.ctx = ctx;
      this.handler = handler;
    }

    @Override
    public void proceed() throws Exception {
      if (next < middleware.size()) {
        middleware.get(next++).around(ctx, this);
        return;
      }
      if (next++ > middleware.size()) {
        throw new IllegalStateException("middleware called next.proceed() twice");
      }
      if (handler == null) {
        throw new UnknownJobTypeException(ctx.type());
      }
      handler.perform(ctx, ctx.args());
    }
  }

  @SuppressWarnings("unchecked")
  private List<Object> toList(JsonNode args) {
    return mapper.treeToValue(args, List.class);
  }

  private <T> T bind(JsonNode args, Class<T> type) {
    if (args.size() < 1) {
      throw new IllegalArgumentException("job has no args[0] to bind to " + type.getName());
    }
    return mapper.treeToValue(args.get(0), type);
  }
}
