package dev.fabrik.server.priority;

import dev.fabrik.protocol.JobCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A job's priority within its queue: 1 (lowest) to 9 (highest), 5 when the job names none. FETCH
 * takes the oldest job of the highest non-empty level; the queues named by FETCH keep their strict
 * order, so a priority never reaches across queues.
 *
 * <p>On the wire it is Faktory 0.x's top-level field, which the Node and Python clients still send:
 *
 * <pre>
 * PUSH {"jid":"a1b2c3d4e5","jobtype":"Mail","args":[],"queue":"default","priority":9}
 * </pre>
 */
public final class Priority {
  public static final int MIN = 1;
  public static final int MAX = 9;
  public static final int DEFAULT = 5;

  /** How many levels a queue has: {@code MAX - MIN + 1}. */
  public static final int LEVELS = MAX - MIN + 1;

  /** The payload key. */
  public static final String FIELD = "priority";

  private Priority() {}

  /** True for 1..9. */
  public static boolean isValid(int priority) {
    return priority >= MIN && priority <= MAX;
  }

  /** {@code value} moved into 1..9: 0 and below become 1, 10 and above 9. */
  public static int clamp(long value) {
    return (int) Math.max(MIN, Math.min(MAX, value));
  }

  /**
   * The priority stored in a job's payload, for a store moving a set entry (a retry, a scheduled
   * job, a requeued dead job) back to its queue: the manager checked and clamped it at PUSH, so
   * this only reads the top-level {@code priority} integer. A payload without one, or one that
   * cannot be read, has the default. Streams the JSON without building a tree; nested objects are
   * skipped whole, so a {@code "priority"} key inside {@code args} or {@code custom} is not taken.
   */
  public static int ofPayload(byte[] payload) {
    try (JsonParser p = JobCodec.MAPPER.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return DEFAULT;
      }
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        boolean wanted = FIELD.equals(p.currentName());
        JsonToken value = p.nextToken();
        if (wanted) {
          return value == JsonToken.VALUE_NUMBER_INT ? clamp(longValue(p)) : DEFAULT;
        }
        p.skipChildren();
      }
      return DEFAULT;
    } catch (JacksonException e) {
      return DEFAULT;
    }
  }

  private static long longValue(JsonParser p) {
    return switch (p.getNumberType()) {
      case INT, LONG -> p.getLongValue();
      default -> p.getBigIntegerValue().signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    };
  }
}
