package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Server processes for the crash-point tests: a node started with {@code
 * -Dfabrik.fault.halt=<point>} halts there (as under {@code kill -9}), and another node must then
 * finish what the halt interrupted. On SQLite that node is a restart on the same file; on
 * PostgreSQL it is a second node running on the same schema all along, while the halted node is
 * never restarted (its lost outcomes are settled by the periodic recovery of another node). A node
 * counts as gone after 2 s without a refresh, and the others then run that recovery every second
 * for a while, judging batch members older than a second.
 */
final class CrashNodes implements AutoCloseable {
  static final Duration HALT_WITHIN = Duration.ofSeconds(30);

  /** Long enough for a few recovery periods on a loaded machine. */
  static final Duration PICKED_UP_WITHIN = Duration.ofSeconds(60);

  private static final List<String> FAST_RECOVERY =
      List.of(
          "-Dfabrik.fault.recoveryEvery=PT1S",
          "-Dfabrik.fault.recoveryGrace=PT1S",
          // the second node must see the halted one gone before its passes recover for it
          "-Dfabrik.fault.nodeRefresh=PT0.5S",
          "-Dfabrik.fault.nodeGoneAfter=PT2S");

  private final Path dataDir;
  private final PgSchema schema;
  private ServerProcess survivor;

  private CrashNodes(Path dataDir, PgSchema schema) {
    this.dataDir = dataDir;
    this.schema = schema;
  }

  /** {@code store}: "sqlite" or "postgres". */
  static CrashNodes on(String store, Path dataDir) {
    return new CrashNodes(dataDir, store.equals("postgres") ? PgSchema.fresh("it_crashpt") : null);
  }

  /**
   * A node that halts at {@code point}. On SQLite the node that picked up the last halt is stopped
   * first (one process per file); on PostgreSQL the surviving node is started first, if it is not.
   */
  ServerProcess halting(String point) {
    if (schema == null) {
      closeSurvivor();
    } else if (survivor == null) {
      survivor = start(List.of());
    }
    return start(List.of("-Dfabrik.fault.halt=" + point));
  }

  /** Waits for {@code halted} to halt at its point, then returns the node that carries on. */
  ServerProcess pickUp(ServerProcess halted) {
    awaitHalted(halted);
    halted.close();
    if (survivor == null) {
      survivor = start(List.of());
    }
    return survivor;
  }

  static List<String> halt(String point) {
    return List.of("-Xmx512m", "-Dfabrik.fault.halt=" + point);
  }

  static void awaitHalted(ServerProcess server) {
    await("the halt at the crash point").atMost(HALT_WITHIN).until(() -> !server.alive());
    assertThat(server.exitCode()).as("halted at the crash point").isEqualTo(137);
  }

  private ServerProcess start(List<String> options) {
    List<String> java = new ArrayList<>(List.of("-Xmx512m"));
    java.addAll(FAST_RECOVERY);
    java.addAll(options);
    return ServerProcess.start(dataDir, java, schema == null ? List.of() : schema.flags());
  }

  private void closeSurvivor() {
    if (survivor != null) {
      survivor.close();
      survivor = null;
    }
  }

  @Override
  public void close() {
    closeSurvivor();
    if (schema != null) {
      schema.close();
    }
  }
}
