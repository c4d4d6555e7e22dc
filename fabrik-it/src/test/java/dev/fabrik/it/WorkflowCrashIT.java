package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ProtocolConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kill -9} right after a burst of answered ACKs of workflow roots: the release of a root's
 * dependent runs after the ACK's commit, so some releases are still pending at the kill. After a
 * restart on the same SQLite file every dependent of an ACKed root must be fetchable, once (the
 * recovery pass at start completes what the crash cut off).
 */
class WorkflowCrashIT {
  private static final int CHAINS = 300;
  private static final int ACKERS = 6;

  @TempDir Path dataDir;

  @Test
  void everyDependentOfAnAckedRootIsReleasedAfterKill9() throws Exception {
    List<String> children = new ArrayList<>();
    List<String> roots = new ArrayList<>();
    String log;
    Set<String> fetched = new HashSet<>();
    try (ServerProcess server = ServerProcess.start(dataDir, List.of())) {
      try (ProtocolConnection conn = server.connect()) {
        for (int i = 0; i < CHAINS; i++) {
          ObjectNode root = Wire.job("crash-roots", "Root", i);
          root.putObject("custom").putArray("after");
          ObjectNode child = Wire.job("crash-children", "Child", i);
          child.putObject("custom").putArray("after").add(root.path("jid").asString());
          Wire.push(conn, root);
          Wire.push(conn, child);
          children.add(child.path("jid").asString());
        }
        for (int i = 0; i < CHAINS; i++) {
          roots.add(Wire.fetch(conn, "crash-roots").path("jid").asString());
        }
      }
      // All ACKs at once from several connections, so releases queue up behind them.
      try (ExecutorService pool = Executors.newFixedThreadPool(ACKERS)) {
        List<Future<?>> acks = new ArrayList<>();
        for (int a = 0; a < ACKERS; a++) {
          int from = a;
          acks.add(
              pool.submit(
                  () -> {
                    try (ProtocolConnection c = server.connect()) {
                      for (int i = from; i < CHAINS; i += ACKERS) {
                        Wire.ack(c, roots.get(i)); // answered +OK: committed
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : acks) {
          f.get();
        }
      }
      server.kill();
    }
    try (ServerProcess server = ServerProcess.start(dataDir, List.of())) {
      try (ProtocolConnection conn = server.connect()) {
        for (int i = 0; i < CHAINS; i++) {
          JsonNode child = Wire.fetch(conn, "crash-children");
          assertThat(child).as("child %d of %d released", i + 1, CHAINS).isNotNull();
          assertThat(fetched.add(child.path("jid").asString())).as("fetched once").isTrue();
          Wire.ack(conn, child.path("jid").asString());
        }
        assertThat(Wire.queueSize(Wire.info(conn), "crash-children")).isZero();
      }
      log = server.log();
    }
    assertThat(fetched).containsExactlyInAnyOrderElementsOf(children);
    Matcher m = Pattern.compile("completed the success of (\\d+) jobs").matcher(log);
    System.out.println(
        "WorkflowCrashIT: releases completed by the recovery pass: "
            + (m.find() ? m.group(1) : "0 (every release had committed before the kill)"));
  }
}
