package dev.fabrik.client.worker;

import dev.fabrik.client.WorkerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Sends one BEAT per tick and passes the server's answer on. The server reaps a worker that stays
 * silent for its worker TTL (60 s by default) and shows quiet/terminate requests only in BEAT
 * replies, so this is how the web UI's "quiet" and "stop" buttons reach us.
 *
 * <pre>
 * C: BEAT {"wid":"4f2a...","rss_kb":181234,"concurrency":20,"busy":3}   S: +OK
 * C: BEAT {"wid":"4f2a...","rss_kb":181234,"current_state":"quiet","concurrency":20,"busy":0}
 * S: $17 {"state":"quiet"}
 * </pre>
 *
 * concurrency and busy are Fabrik's fields (its Busy page shows them; Faktory ignores them).
 */
final class Heartbeat implements Runnable {
  private static final System.Logger LOG = System.getLogger(Heartbeat.class.getName());
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private final ServerLink link;
  private final String wid;
  private final Supplier<WorkerState> localState;
  private final Consumer<WorkerState> onServerState;
  private final int concurrency;
  private final IntSupplier busy;

  /**
   * @param concurrency the processor threads
   * @param busy how many of them run a job now
   */
  Heartbeat(
      ServerLink link,
      String wid,
      Supplier<WorkerState> localState,
      Consumer<WorkerState> onServerState,
      int concurrency,
      IntSupplier busy) {
    this.link = link;
    this.wid = wid;
    this.localState = localState;
    this.onServerState = onServerState;
    this.concurrency = concurrency;
    this.busy = busy;
  }

  @Override
  public void run() {
    try {
      WorkerState state = link.beat(wid, rssKb(), localState.get(), concurrency, busy.getAsInt());
      if (state != WorkerState.RUNNING) {
        onServerState.accept(state);
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; log and try on the next tick.
      LOG.log(System.Logger.Level.WARNING, "BEAT failed: " + e.getMessage());
    }
  }

  /** Resident set size from /proc on Linux; elsewhere the committed heap, which is close enough. */
  static long rssKb() {
    try {
      for (String line : Files.readAllLines(PROC_STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc hidden
    }
    return Runtime.getRuntime().totalMemory() / 1024;
  }
}
