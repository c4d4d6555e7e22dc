package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static dev.fabrik.server.manager.ManagerFetchTest.awaitWaiters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A FETCH already waiting when its worker is told to go quiet (or terminate) returns empty at once
 * and leaves jobs that arrive later to other workers. The fetch wait is 30 s, so "at once" is
 * anything well inside the 10 s the futures are given.
 */
class QuietFetchTest {
  private final Fixture f = new Fixture(Duration.ofSeconds(30));

  @Test
  void operatorQuietEndsAWaitingFetchEmpty() throws Exception {
    attach("w1");
    CompletableFuture<Optional<byte[]>> fetch = fetchInBackground("w1", "default");
    awaitWaiters(f, "default", 1);

    f.workers.signal("w1", WorkerState.QUIET);

    assertThat(fetch.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(f.manager.waitingFetches("default")).isZero();
  }

  @Test
  void aJobPushedAfterQuietIsNotHandedToTheQuietWorker() throws Exception {
    attach("w1");
    CompletableFuture<Optional<byte[]>> fetch = fetchInBackground("w1", "default");
    awaitWaiters(f, "default", 1);

    f.workers.signal("w1", WorkerState.QUIET);
    f.manager.push(job("later-01", "T", "default"));

    assertThat(fetch.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(f.size("default")).isEqualTo(1);
    assertThat(f.store.workingSize()).isZero();
  }

  @Test
  void quietReportedByBeatEndsTheWaitingFetch() throws Exception {
    attach("w1");
    CompletableFuture<Optional<byte[]>> fetch = fetchInBackground("w1", "default");
    awaitWaiters(f, "default", 1);

    f.workers.beat("w1", 0, WorkerState.QUIET);

    assertThat(fetch.get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void terminateEndsEveryWaitingFetchOfTheProcess() throws Exception {
    attach("w1");
    CompletableFuture<Optional<byte[]>> first = fetchInBackground("w1", "default");
    CompletableFuture<Optional<byte[]>> second = fetchInBackground("w1", "default", "email");
    awaitWaiters(f, "default", 2);

    f.workers.signal("w1", WorkerState.TERMINATE);

    assertThat(first.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(second.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(f.manager.waitingFetches("email")).isZero();
  }

  @Test
  void theJobGoesToAWorkerStillRunning() throws Exception {
    attach("quiet");
    attach("busy");
    CompletableFuture<Optional<byte[]>> quiet = fetchInBackground("quiet", "default");
    awaitWaiters(f, "default", 1);
    CompletableFuture<Optional<byte[]>> running = fetchInBackground("busy", "default");
    awaitWaiters(f, "default", 2);

    f.workers.signal("quiet", WorkerState.QUIET);
    assertThat(quiet.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(f.manager.waitingFetches("default")).isEqualTo(1);
    f.manager.push(job("later-02", "T", "default"));

    assertThat(running.get(10, TimeUnit.SECONDS))
        .hasValueSatisfying(p -> assertThat(JobCodec.decode(p).jid()).isEqualTo("later-02"));
  }

  private void attach(String wid) {
    f.workers.attach(wid, new WorkerInfo(wid, "h", 1, List.of(), null, null, 0, null, 0), () -> {});
  }

  private CompletableFuture<Optional<byte[]>> fetchInBackground(String wid, String... queues) {
    CompletableFuture<Optional<byte[]>> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(f.manager.fetch(wid, List.of(queues)));
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return result;
  }
}
