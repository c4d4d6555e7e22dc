package dev.fabrik.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The load shapes {@code fabrik bench} can run, in the order given on the command line. */
public enum Phase {
  /** PUSHB of --batch jobs per command over C connections. */
  PUSH_BULK,
  /** One PUSH per round trip, C connections each with one command in flight. */
  PUSH,
  /**
   * PUSH as above, each job unique ({@code custom.unique_for}) with args of its own, so every push
   * takes a lock and none is refused. Not in the default list.
   */
  PUSH_UNIQUE,
  /** C connections each looping FETCH+ACK, the ACK and the next FETCH sent in one write. */
  DRAIN,
  /**
   * DRAIN of jobs that all belong to one batch, timed to the batch's complete callback. Not in the
   * default list.
   */
  BATCH_DRAIN,
  /**
   * DRAIN under a concurrency limit (set through the JSON API), C connections, each job held the
   * work time: delivered rate vs the limit, and how long a freed slot stays idle. Not in the
   * default list.
   */
  LIMITED_DRAIN,
  /** C consumers on their own queue while one producer pushes at a fixed rate; push→fetch time. */
  LATENCY,
  /**
   * C connections flood PUSHB while one probe loops PUSH, FETCH, ACK; ACK-to-{@code +OK} time. Not
   * in the default list: it measures how long small writes wait behind bulk ones.
   */
  ACK_WAIT;

  /** The name on the command line and in reports: {@code push-bulk}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code push-bulk,push,drain,latency}. */
  public static List<Phase> parseList(String text) {
    List<Phase> phases = new ArrayList<>();
    for (String part : text.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      try {
        phases.add(valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_')));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown phase \""
                + name
                + "\"; choose from push-bulk, push, push-unique, drain, batch-drain,"
                + " limited-drain, latency,"
                + " ack-wait");
      }
    }
    if (phases.isEmpty()) {
      throw new IllegalArgumentException("no phases given");
    }
    return List.copyOf(phases);
  }
}
