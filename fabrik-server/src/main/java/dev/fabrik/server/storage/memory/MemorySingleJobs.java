package dev.fabrik.server.storage.memory;

import dev.fabrik.server.jobs.JobPlace;
import dev.fabrik.server.jobs.SingleJobs;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.reservation.ReservationTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@link SingleJobs} on the memory store: each edit is one hold of the store's lock, the lock FETCH
 * takes too, so a job is either still queued (and edited) or already reserved (and left alone).
 */
final class MemorySingleJobs implements SingleJobs {

  private final Object lock;
  private final Map<String, MemoryQueue> queues;
  private final Map<SetName, MemorySet> sets;
  private final ReservationTable<QueuedJob> reservations;
  private final Consumer<Map<String, Integer>> notify;
  private final Runnable ensureOpen;

  MemorySingleJobs(
      Object lock,
      Map<String, MemoryQueue> queues,
      Map<SetName, MemorySet> sets,
      ReservationTable<QueuedJob> reservations,
      Consumer<Map<String, Integer>> notify,
      Runnable ensureOpen) {
    this.lock = lock;
    this.queues = queues;
    this.sets = sets;
    this.reservations = reservations;
    this.notify = notify;
    this.ensureOpen = ensureOpen;
  }

  @Override
  public boolean deleteQueued(String queue, String jid) {
    synchronized (lock) {
      ensureOpen.run();
      MemoryQueue q = queues.get(queue);
      return q != null && q.removeJid(jid) != null;
    }
  }

  @Override
  public boolean moveToFront(String queue, String jid) {
    synchronized (lock) {
      ensureOpen.run();
      MemoryQueue q = queues.get(queue);
      QueuedJob job = q == null ? null : q.removeJid(jid);
      if (job == null) {
        return false;
      }
      q.addFirst(job);
    }
    // A FETCH waiting on this queue cannot be waiting (the queue was not empty), but a limited
    // FETCH that passed every job over may take this one now.
    notify.accept(Map.of(queue, 1));
    return true;
  }

  @Override
  public List<JobPlace> find(String jid, int limit) {
    List<JobPlace> out = new ArrayList<>();
    synchronized (lock) {
      ensureOpen.run();
      for (MemoryQueue q : queues.values()) {
        q.withJid(jid).forEach(j -> out.add(new JobPlace.Queued(j)));
      }
      for (MemorySet set : sets.values()) {
        for (SetEntry e : set.withJid(jid)) {
          out.add(new JobPlace.InSet(e));
        }
      }
      for (Reservation r : reservations.ofJid(jid)) {
        out.add(new JobPlace.Working(r));
      }
    }
    return out.size() > limit ? out.subList(0, limit) : out;
  }
}
