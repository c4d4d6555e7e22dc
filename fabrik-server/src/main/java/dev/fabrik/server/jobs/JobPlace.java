package dev.fabrik.server.jobs;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;

/** Where {@link SingleJobs#find} found a job: each kind carries the store's own record of it. */
public sealed interface JobPlace {

  String jid();

  String queue();

  byte[] payload();

  /** Waiting in its queue. */
  record Queued(QueuedJob job) implements JobPlace {
    @Override
    public String jid() {
      return job.jid();
    }

    @Override
    public String queue() {
      return job.queue();
    }

    @Override
    public byte[] payload() {
      return job.payload();
    }
  }

  /** Fetched by a worker, not yet acknowledged or failed. */
  record Working(Reservation reservation) implements JobPlace {
    @Override
    public String jid() {
      return reservation.jid();
    }

    @Override
    public String queue() {
      return reservation.queue();
    }

    @Override
    public byte[] payload() {
      return reservation.payload();
    }
  }

  /** An entry of the scheduled, retries or dead set. */
  record InSet(SetEntry entry) implements JobPlace {
    @Override
    public String jid() {
      return entry.jid();
    }

    @Override
    public String queue() {
      return entry.queue();
    }

    @Override
    public byte[] payload() {
      return entry.payload();
    }
  }
}
