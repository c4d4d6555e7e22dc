package dev.fabrik.server.storage.memory;

import dev.fabrik.server.history.Grain;
import dev.fabrik.server.history.HistoryRow;
import dev.fabrik.server.history.JobStatsStore;
import dev.fabrik.server.history.Tally;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;

/** History in the heap: per grain, bucket start, then job type. Gone when the process ends. */
final class MemoryJobStatsStore implements JobStatsStore {
  private final Map<Grain, NavigableMap<Long, Map<String, Tally>>> grains = new HashMap<>();

  MemoryJobStatsStore() {
    for (Grain g : Grain.values()) {
      grains.put(g, new TreeMap<>());
    }
  }

  @Override
  public synchronized void add(List<HistoryRow> rows) {
    for (HistoryRow r : rows) {
      grains
          .get(r.grain())
          .computeIfAbsent(r.start(), s -> new HashMap<>())
          .computeIfAbsent(r.jobtype(), t -> new Tally())
          .add(r.tally());
    }
  }

  @Override
  public synchronized SortedMap<Long, Tally> series(
      Grain grain, long from, long to, String jobtype) {
    SortedMap<Long, Tally> out = new TreeMap<>();
    grains
        .get(grain)
        .subMap(from, true, to, false)
        .forEach(
            (start, types) ->
                types.forEach(
                    (type, tally) -> {
                      if (jobtype == null || jobtype.equals(type)) {
                        out.computeIfAbsent(start, s -> new Tally()).add(tally);
                      }
                    }));
    return out;
  }

  @Override
  public synchronized Map<String, Tally> byType(Grain grain, long from, long to) {
    Map<String, Tally> out = new HashMap<>();
    grains
        .get(grain)
        .subMap(from, true, to, false)
        .values()
        .forEach(types -> types.forEach((t, v) -> out.computeIfAbsent(t, k -> new Tally()).add(v)));
    return out;
  }

  @Override
  public synchronized int purge(Grain grain, long before, int limit) {
    int purged = 0;
    Iterator<Map<String, Tally>> it = grains.get(grain).headMap(before, false).values().iterator();
    while (it.hasNext() && purged < limit) {
      for (Tally t : it.next().values()) {
        purged += t.nonZeroFields(); // a stored row per field, as in the SQL stores
      }
      it.remove();
    }
    return purged;
  }
}
