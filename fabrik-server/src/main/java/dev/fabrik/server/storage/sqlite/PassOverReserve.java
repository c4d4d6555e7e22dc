package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.PassOver;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.reservation.ReservationTable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The limited FETCH of the SQLite store: looks through the head of each queue (cached payloads,
 * else one read each) for the first job the {@link PassOver} lets through, then takes exactly that
 * row id out of the index; the jobs before it keep their places.
 */
final class PassOverReserve {
  private static final int CHUNK = 100;

  private final QueueIndex index;
  private final JobReads jobReads;
  private final ReservationTable<Long> reservations;

  PassOverReserve(QueueIndex index, JobReads jobReads, ReservationTable<Long> reservations) {
    this.index = index;
    this.jobReads = jobReads;
    this.reservations = reservations;
  }

  Optional<Reservation> reserve(
      List<String> queues,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline,
      PassOver passOver) {
    for (String queue : queues) {
      while (true) {
        QueueIndex.Popped chosen = firstPassing(queue, passOver);
        if (chosen == null) {
          break;
        }
        if (index.take(queue, chosen.id(), PassOver.SCAN_LIMIT * 2) == null) {
          continue; // taken or removed since we looked: look again
        }
        QueueIndex.Cached job = chosen.cached();
        Reservation r =
            new Reservation(
                job.jid(), queue, job.payload(), wid, now, deadline.apply(job.payload()));
        reservations.add(r, chosen.id());
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The first job of {@code queue}'s head that passes, with its payload, or null. */
  private QueueIndex.Popped firstPassing(String queue, PassOver passOver) {
    for (int offset = 0; offset < PassOver.SCAN_LIMIT; offset += CHUNK) {
      List<QueueIndex.Popped> head = index.slice(queue, offset, CHUNK);
      for (QueueIndex.Popped p : head) {
        QueueIndex.Cached job = p.cached() != null ? p.cached() : jobReads.read(p.id());
        if (job != null && !passOver.skips(job.payload())) {
          return new QueueIndex.Popped(queue, p.id(), job);
        }
      }
      if (head.size() < CHUNK) {
        return null;
      }
    }
    return null;
  }
}
