package dev.fabrik.server.workflow;

import dev.fabrik.server.workflow.WorkflowRules.Submitted;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs of one PUSHB in an order where each comes after the batch's jobs it depends on (Kahn's
 * algorithm), so a batch may list a DAG in any order. Jobs on a cycle, and jobs depending on them,
 * cannot be ordered: they are refused, as is a jid listed twice (both copies).
 */
record BatchOrder(List<Submitted> sorted, Map<String, String> errors) {

  static BatchOrder of(List<Submitted> jobs) {
    Map<String, Submitted> byJid = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    for (Submitted s : jobs) {
      if (byJid.putIfAbsent(s.job().jid(), s) != null) {
        errors.put(s.job().jid(), "jid " + s.job().jid() + " appears twice in the batch");
      }
    }
    // Both copies go: the reply names a refused job by jid only, so one of two cannot be kept.
    errors.keySet().forEach(byJid::remove);
    Map<String, Integer> pending = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    Deque<String> ready = new ArrayDeque<>();
    for (Submitted s : byJid.values()) {
      int inBatch = 0;
      for (String dep : s.after()) {
        if (byJid.containsKey(dep)) {
          inBatch++;
          dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(s.job().jid());
        }
      }
      pending.put(s.job().jid(), inBatch);
      if (inBatch == 0) {
        ready.add(s.job().jid());
      }
    }
    List<Submitted> sorted = new ArrayList<>(byJid.size());
    while (!ready.isEmpty()) {
      String jid = ready.poll();
      sorted.add(byJid.get(jid));
      for (String d : dependents.getOrDefault(jid, List.of())) {
        if (pending.merge(d, -1, Integer::sum) == 0) {
          ready.add(d);
        }
      }
    }
    for (Map.Entry<String, Integer> e : pending.entrySet()) {
      if (e.getValue() > 0) {
        errors.put(
            e.getKey(),
            "after forms a cycle in the batch, or waits for one (at " + e.getKey() + ")");
      }
    }
    return new BatchOrder(List.copyOf(sorted), errors);
  }
}
