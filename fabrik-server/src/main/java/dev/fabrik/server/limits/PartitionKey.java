package dev.fabrik.server.limits;

import tools.jackson.databind.JsonNode;

/**
 * Where a rate limit finds a job's partition: {@code args.<n>} (the n-th argument) or {@code
 * custom.<field>} (a custom field, dots for nested objects). A job without that value shares the
 * budget of the value {@code ""}.
 */
final class PartitionKey {
  private final boolean args;
  private final int index;
  private final String[] path;

  private PartitionKey(boolean args, int index, String[] path) {
    this.args = args;
    this.index = index;
    this.path = path;
  }

  static PartitionKey parse(String key) {
    if (key.startsWith("args.")) {
      try {
        int n = Integer.parseInt(key.substring(5));
        if (n >= 0) {
          return new PartitionKey(true, n, null);
        }
      } catch (NumberFormatException e) {
        // refused below
      }
    } else if (key.startsWith("custom.") && key.length() > 7 && !key.endsWith(".")) {
      return new PartitionKey(false, 0, key.substring(7).split("\\."));
    }
    throw new IllegalArgumentException(
        "key must be args.<n> or custom.<field>, not \"" + key + "\"");
  }

  /** The partition of {@code job} (its JSON tree): the value's text, or "" when absent. */
  String of(JsonNode job) {
    JsonNode at;
    if (args) {
      at = job.path("args").path(index);
    } else {
      at = job.path("custom");
      for (String p : path) {
        at = at.path(p);
      }
    }
    if (at.isMissingNode() || at.isNull()) {
      return "";
    }
    return at.isValueNode() ? at.asString() : at.toString();
  }
}
