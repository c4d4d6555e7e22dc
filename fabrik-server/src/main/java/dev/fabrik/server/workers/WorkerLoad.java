package dev.fabrik.server.workers;

/**
 * How busy a worker process says it is, from the optional fields of its BEAT (Fabrik's Java worker
 * sends both; other clients may send either or neither):
 *
 * <pre>
 * C: BEAT {"wid":"4f2a...","rss_kb":181234,"concurrency":20,"busy":3}   S: +OK
 * </pre>
 *
 * @param concurrency jobs the process runs at most at once, or -1 when not reported
 * @param busy jobs it is running right now, or -1 when not reported
 */
public record WorkerLoad(int concurrency, int busy) {

  /** Nothing reported. */
  public static final WorkerLoad UNKNOWN = new WorkerLoad(-1, -1);

  public WorkerLoad {
    concurrency = Math.max(-1, concurrency);
    busy = Math.max(-1, busy);
  }

  public boolean concurrencyKnown() {
    return concurrency >= 0;
  }

  public boolean busyKnown() {
    return busy >= 0;
  }
}
