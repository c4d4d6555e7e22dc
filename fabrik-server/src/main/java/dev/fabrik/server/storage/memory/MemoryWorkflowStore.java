package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.workflow.WorkflowRow;
import dev.fabrik.server.workflow.WorkflowState;
import dev.fabrik.server.workflow.WorkflowStore;
import dev.fabrik.server.workflow.WorkflowTx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Workflow rows and edges in maps, changed under the memory store's lock, so a transaction and the
 * job writes it makes are one step for every other caller of the store.
 */
final class MemoryWorkflowStore implements WorkflowStore {

  /** The store's job writes, called under its lock; they return the queues that got jobs. */
  interface Jobs {
    void push(List<QueuedJob> jobs, List<SetEntry> entries, Map<String, Integer> added);

    boolean deleteDead(Instant score, String jid);

    void notify(Map<String, Integer> added);
  }

  private final Object lock;
  private final Jobs jobs;
  private final TreeMap<String, WorkflowRow> rows = new TreeMap<>();
  // dep → (dependent → resolved)
  private final Map<String, TreeMap<String, Boolean>> edgesFrom = new HashMap<>();
  private final Map<String, TreeSet<String>> edgesTo = new HashMap<>();

  MemoryWorkflowStore(Object lock, Jobs jobs) {
    this.lock = lock;
    this.jobs = jobs;
  }

  @Override
  public <T> T transaction(Function<WorkflowTx, T> work) {
    Map<String, Integer> added = new LinkedHashMap<>();
    T result;
    synchronized (lock) {
      result = work.apply(new Tx(added));
    }
    jobs.notify(added);
    return result;
  }

  private final class Tx implements WorkflowTx {
    private final Map<String, Integer> added;

    Tx(Map<String, Integer> added) {
      this.added = added;
    }

    @Override
    public Map<String, WorkflowRow> lock(Collection<String> jids) {
      Map<String, WorkflowRow> out = new HashMap<>();
      for (String jid : jids) {
        WorkflowRow r = rows.get(jid);
        if (r != null) {
          out.put(jid, r);
        }
      }
      return out;
    }

    @Override
    public void insert(WorkflowRow row) {
      if (rows.putIfAbsent(row.jid(), row) != null) {
        throw new IllegalStateException("workflow row " + row.jid() + " exists");
      }
    }

    @Override
    public void update(WorkflowRow row) {
      rows.put(row.jid(), row);
    }

    @Override
    public void insertEdges(String jid, List<String> deps, Collection<String> resolved) {
      for (String dep : deps) {
        edgesFrom.computeIfAbsent(dep, k -> new TreeMap<>()).put(jid, resolved.contains(dep));
        edgesTo.computeIfAbsent(jid, k -> new TreeSet<>()).add(dep);
      }
    }

    @Override
    public List<String> resolveEdgesFrom(String dep) {
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, Boolean> e : edgesFrom.getOrDefault(dep, new TreeMap<>()).entrySet()) {
        if (!e.getValue()) {
          e.setValue(true);
          out.add(e.getKey());
        }
      }
      return out;
    }

    @Override
    public List<String> unresolvedDependenciesOf(String jid) {
      List<String> out = new ArrayList<>();
      for (String dep : edgesTo.getOrDefault(jid, new TreeSet<>())) {
        if (!edgesFrom.get(dep).get(jid)) {
          out.add(dep);
        }
      }
      return out;
    }

    @Override
    public List<String> dependentsOf(String dep) {
      return List.copyOf(edgesFrom.getOrDefault(dep, new TreeMap<>()).keySet());
    }

    @Override
    public void push(List<QueuedJob> queued, List<SetEntry> entries) {
      jobs.push(queued, entries, added);
    }

    @Override
    public boolean deleteDead(Instant score, String jid) {
      return jobs.deleteDead(score, jid);
    }
  }

  @Override
  public Optional<WorkflowRow> row(String jid) {
    synchronized (lock) {
      return Optional.ofNullable(rows.get(jid));
    }
  }

  @Override
  public Map<String, WorkflowRow> rows(Collection<String> jids) {
    synchronized (lock) {
      Map<String, WorkflowRow> out = new HashMap<>();
      for (String jid : jids) {
        WorkflowRow r = rows.get(jid);
        if (r != null) {
          out.put(jid, r);
        }
      }
      return out;
    }
  }

  @Override
  public List<String> dependencies(String jid) {
    synchronized (lock) {
      return List.copyOf(edgesTo.getOrDefault(jid, new TreeSet<>()));
    }
  }

  @Override
  public List<String> dependents(String jid) {
    synchronized (lock) {
      return List.copyOf(edgesFrom.getOrDefault(jid, new TreeMap<>()).keySet());
    }
  }

  @Override
  public List<WorkflowRow> list(WorkflowState state, String afterJid, int limit) {
    synchronized (lock) {
      List<WorkflowRow> out = new ArrayList<>();
      for (WorkflowRow r : rows.tailMap(afterJid, false).values()) {
        if (out.size() >= limit) {
          break;
        }
        if (r.state() == state) {
          out.add(r);
        }
      }
      return out;
    }
  }

  @Override
  public long count(WorkflowState state) {
    synchronized (lock) {
      return rows.values().stream().filter(r -> r.state() == state).count();
    }
  }

  /** A crash empties this store, so no success is ever left half done. */
  @Override
  public List<String> activeButAbsent(int limit) {
    return List.of();
  }

  /** A crash empties this store, so no death is ever left half done. */
  @Override
  public List<String> activeButDead(int limit) {
    return List.of();
  }

  @Override
  public int purge(Instant now, int limit) {
    synchronized (lock) {
      int purged = 0;
      Iterator<WorkflowRow> it = rows.values().iterator();
      while (it.hasNext() && purged < limit) {
        WorkflowRow r = it.next();
        if (r.until() != null && !r.until().isAfter(now)) {
          it.remove();
          forget(r.jid());
          purged++;
        }
      }
      return purged;
    }
  }

  /** Drops the edges into a purged row (its dependencies' lists of dependents). */
  private void forget(String jid) {
    Set<String> deps = edgesTo.remove(jid);
    if (deps != null) {
      for (String dep : deps) {
        TreeMap<String, Boolean> from = edgesFrom.get(dep);
        if (from != null) {
          from.remove(jid);
          if (from.isEmpty()) {
            edgesFrom.remove(dep);
          }
        }
      }
    }
  }

  /** FLUSH: every row and edge goes with the jobs. Under the store's lock. */
  void clear() {
    rows.clear();
    edgesFrom.clear();
    edgesTo.clear();
  }
}
