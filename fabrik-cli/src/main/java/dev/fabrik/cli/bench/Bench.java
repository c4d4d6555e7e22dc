package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ProtocolConnection;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One bench run against a live server. Its jobs go to a queue of its own, {@code bench-<random>}
 * (and {@code bench-<random>-latency}), which is emptied with {@code QUEUE REMOVE} before each
 * phase and removed at the end: the users' queues are never touched, unlike with FLUSH.
 */
public final class Bench {
  private final BenchSettings settings;
  private final PrintWriter progress;
  private final String queue;
  private final String latencyQueue;

  /**
   * @param progress where to say which phase runs (stderr for the CLI), or null for silence
   */
  public Bench(BenchSettings settings, PrintWriter progress) {
    this.settings = settings;
    this.progress = progress;
    this.queue = "bench-" + ProtocolConnection.randomJid().substring(0, 8);
    this.latencyQueue = queue + "-latency";
  }

  public String queue() {
    return queue;
  }

  /** Runs every phase in order; a failing phase is reported, and the next ones still run. */
  public BenchReport run() throws InterruptedException {
    try (ProtocolConnection control = ProtocolConnection.open(settings.connection())) {
      ServerMemory before = ServerMemory.sample(control, settings.serverPid());
      List<PhaseResult> results = new ArrayList<>();
      if (settings.effectiveEngine() != settings.engine()) {
        say(
            "engine "
                + settings.effectiveEngine().label()
                + ": the event loop speaks plain TCP only");
      }
      try {
        for (Phase phase : settings.phases()) {
          say("phase " + phase.label() + " ...");
          control.call("QUEUE REMOVE " + queue + " " + latencyQueue);
          if (warmUp(phase)) {
            control.call("QUEUE REMOVE " + queue + " " + latencyQueue);
          }
          PhaseResult result = runPhase(phase, control);
          results.add(result);
          say(
              String.format(
                  "phase %s: %d jobs in %.2f s, %.0f jobs/s%s",
                  phase.label(),
                  result.jobs(),
                  result.elapsed().toNanos() / 1e9,
                  result.jobsPerSecond(),
                  result.ok() ? "" : ", " + result.errors() + " errors: " + result.firstError()));
        }
      } finally {
        control.call("QUEUE REMOVE " + queue + " " + latencyQueue);
      }
      ServerMemory after = ServerMemory.sample(control, settings.serverPid());
      return new BenchReport(settings, queue, results, before, after);
    }
  }

  private Throughput load() {
    return settings.effectiveEngine() == Engine.LOOP
        ? new LoopPhases(settings.connection(), settings.concurrency())
        : new ThroughputPhases(settings.connection(), settings.concurrency());
  }

  /**
   * The untimed run of {@code phase} with {@link BenchSettings#warmupJobs} jobs, whose jobs the
   * caller then removes; false when there is none (no warm-up asked, or a phase without one). A
   * fresh server spends its first seconds compiling (the JIT took 40-60 % of a node's CPU during
   * its first 100k PUSHB jobs), which a timed phase would otherwise measure.
   */
  private boolean warmUp(Phase phase) {
    long n = settings.warmupJobs();
    if (n == 0) {
      return false;
    }
    Throughput load = load();
    Tally ignored = new Tally();
    switch (phase) {
      case PUSH_BULK -> load.pushBulk(queue, n, settings.batch(), ignored);
      case PUSH, PUSH_UNIQUE -> load.push(queue, n, phase == Phase.PUSH_UNIQUE, ignored);
      case DRAIN -> {
        load.pushBulk(queue, n, settings.batch(), new Tally());
        load.drain(queue, n, ignored);
      }
      default -> {
        return false;
      }
    }
    say("warm-up " + phase.label() + ": " + ignored.done() + " jobs, untimed");
    return true;
  }

  private PhaseResult runPhase(Phase phase, ProtocolConnection control)
      throws InterruptedException {
    Throughput load = load();
    long jobs = settings.jobs();
    Tally tally = new Tally();
    return switch (phase) {
      case PUSH_BULK -> {
        long cpu = ServerCpu.nanos(settings.serverPid());
        Duration t = load.pushBulk(queue, jobs, settings.batch(), tally);
        cpu = cpuSince(cpu);
        checkQueueHolds(control, tally.done(), tally);
        yield tally.result(phase, t, null).withServerCpu(cpu);
      }
      case PUSH, PUSH_UNIQUE -> {
        long cpu = ServerCpu.nanos(settings.serverPid());
        Duration t = load.push(queue, jobs, phase == Phase.PUSH_UNIQUE, tally);
        cpu = cpuSince(cpu);
        checkQueueHolds(control, tally.done(), tally);
        yield tally.result(phase, t, null).withServerCpu(cpu);
      }
      case DRAIN -> {
        Tally fill = new Tally();
        load.pushBulk(queue, jobs, settings.batch(), fill); // untimed: the phase measures fetching
        if (fill.errors() > 0 || fill.done() != jobs) {
          tally.error(
              "could not fill the queue for drain: " + fill.done() + " of " + jobs + " pushed");
          yield tally.result(phase, Duration.ZERO, null);
        }
        long cpu = ServerCpu.nanos(settings.serverPid());
        Duration t = load.drain(queue, jobs, tally);
        cpu = cpuSince(cpu);
        checkQueueHolds(control, 0, tally);
        yield tally.result(phase, t, null).withServerCpu(cpu);
      }
      case BATCH_DRAIN -> {
        long cpu = ServerCpu.nanos(settings.serverPid());
        Duration t = new BatchDrainPhase(load, settings.batch()).run(control, queue, jobs, tally);
        cpu = cpuSince(cpu);
        checkQueueHolds(control, 0, tally);
        yield tally.result(phase, t, null).withServerCpu(cpu);
      }
      case LIMITED_DRAIN -> limitedDrain(control, jobs, tally);
      case LATENCY ->
          settings.effectiveEngine() == Engine.LOOP
              ? new LoopLatencyPhase(
                      settings.connection(),
                      settings.concurrency(),
                      settings.latencyJobs(),
                      settings.latencyRate(),
                      settings.latencyTrace())
                  .run(latencyQueue, tally)
              : new LatencyPhase(
                      settings.connection(),
                      settings.concurrency(),
                      settings.latencyJobs(),
                      settings.latencyRate(),
                      settings.latencyTrace())
                  .run(latencyQueue, tally);
      case ACK_WAIT -> {
        if (settings.effectiveEngine() != Engine.LOOP) {
          tally.error("ack-wait runs on the loop engine only (plain TCP)");
          yield tally.result(phase, Duration.ZERO, null);
        }
        yield new AckWaitPhase(
                settings.connection(), settings.concurrency(), jobs, settings.batch())
            .run(queue, latencyQueue, tally);
      }
    };
  }

  private PhaseResult limitedDrain(ProtocolConnection control, long jobs, Tally tally) {
    BenchSettings.Limited l = settings.limited();
    LimitedDrainPhase phase;
    try {
      phase =
          new LimitedDrainPhase(
              settings.connection(),
              settings.concurrency(),
              l.limit(),
              l.work(),
              new WebLimitApi(webUrl(l), settings.connection().password(), l.onJobtype()));
    } catch (IllegalArgumentException e) {
      tally.error(e.getMessage());
      return tally.result(Phase.LIMITED_DRAIN, Duration.ZERO, null);
    }
    long cpu = ServerCpu.nanos(settings.serverPid());
    LimitedDrainPhase.Outcome o = phase.run(control, queue, jobs, tally);
    cpu = cpuSince(cpu);
    checkQueueHolds(control, 0, tally);
    return tally
        .result(Phase.LIMITED_DRAIN, o.elapsed(), o.idleGaps())
        .withServerCpu(cpu)
        .withDetail(phase.describe(o, tally.done()));
  }

  private java.net.URI webUrl(BenchSettings.Limited l) {
    if (l.web() != null) {
      return l.web();
    }
    var c = settings.connection();
    return java.net.URI.create("http://" + c.host() + ":" + (c.port() + 1) + "/");
  }

  /** The server's CPU time since {@code before} (a {@link ServerCpu} reading), or -1. */
  private long cpuSince(long before) {
    long now = ServerCpu.nanos(settings.serverPid());
    return before < 0 || now < 0 ? -1 : now - before;
  }

  /** Counts must add up: what the phase pushed (or left) is what INFO reports as queued. */
  private void checkQueueHolds(ProtocolConnection control, long expected, Tally tally) {
    long actual = JobLines.queueSize(control, queue);
    if (actual != expected) {
      tally.error("queue " + queue + " holds " + actual + " jobs, expected " + expected);
    }
  }

  private void say(String line) {
    if (progress != null) {
      progress.println(line);
      progress.flush();
    }
  }
}
