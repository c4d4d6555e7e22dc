package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.workflow.WorkflowRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A by-hand measurement, not a test: the workflow PUSH of a 1,000-job DAG (one root, 998 steps
 * after it, one fan-in after them all: 1,000 rows and 1,997 edges) as one PUSHB stores it, on the
 * PostgreSQL of {@code FABRIK_TEST_DATABASE_URL} (point it at a cluster with default durability).
 * {@code java -cp ... PgWorkflowPushBench [rounds]}; prints the time of each push.
 */
public final class PgWorkflowPushBench {
  private static final int JOBS = 1000;

  private PgWorkflowPushBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    PgDatabase db = PgDatabase.open(PgTestDatabase.url(), PgTestDatabase.newSchema("wfbench"), 16);
    try (PostgresStore store = PostgresStore.open(db)) {
      WorkflowRules rules = new WorkflowRules(store.workflows(), Duration.ofHours(24));
      for (int r = 0; r <= rounds; r++) {
        List<WorkflowRules.Submitted> dag = dag("r" + r + "-");
        long start = System.nanoTime();
        var refused = rules.push(dag, Instant.now(), Instant.now().plus(Duration.ofDays(180)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (!refused.isEmpty()) {
          throw new IllegalStateException("refused: " + refused.size());
        }
        System.out.printf(
            "%s push of %d jobs: %d ms%n", r == 0 ? "warm-up" : "round " + r, JOBS, ms);
      }
      PgTestDatabase.drop(db);
    }
  }

  private static List<WorkflowRules.Submitted> dag(String prefix) {
    List<WorkflowRules.Submitted> out = new ArrayList<>(JOBS);
    String root = prefix + "root";
    out.add(submitted(root, List.of()));
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < JOBS - 2; i++) {
      String jid = prefix + "step" + i;
      steps.add(jid);
      out.add(submitted(jid, List.of(root)));
    }
    out.add(submitted(prefix + "sink", steps));
    return out;
  }

  private static WorkflowRules.Submitted submitted(String jid, List<String> after) {
    String json = "{\"jid\":\"" + jid + "\",\"jobtype\":\"Step\",\"args\":[],\"queue\":\"wf\"}";
    return new WorkflowRules.Submitted(
        new QueuedJob(jid, "wf", json.getBytes(StandardCharsets.UTF_8)), null, after);
  }
}
