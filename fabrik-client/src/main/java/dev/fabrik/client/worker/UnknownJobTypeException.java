package dev.fabrik.client.worker;

/** A fetched job whose {@code jobtype} has no registered handler; the job is FAILed with it. */
public final class UnknownJobTypeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownJobTypeException(String jobtype) {
    super("no handler registered for job type " + jobtype);
  }
}
