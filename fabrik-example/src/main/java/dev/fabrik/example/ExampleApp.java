package dev.fabrik.example;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.protocol.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Pushes a few {@code SendWelcomeEmail} jobs (one of them scheduled five seconds ahead) and works
 * them with a {@link WorkerManager}. Run it with {@code dev/example} next to a server started with
 * {@code dev/start}; {@code FAKTORY_URL} (default {@code tcp://localhost:7419}) names the server.
 *
 * <pre>
 * dev/example              # runs until Ctrl-C
 * dev/example --seconds 8  # stops by itself after 8 seconds
 * </pre>
 */
public final class ExampleApp {
  static final String JOB_TYPE = "SendWelcomeEmail";
  static final Duration SCHEDULED_DELAY = Duration.ofSeconds(5);

  private ExampleApp() {}

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws InterruptedException {
    Duration runFor = parseSeconds(args);
    ClientConfig config = ClientConfig.fromEnvironment(System.getenv());

    try (Client client = Client.connect(config)) {
      for (Job job : welcomeJobs()) {
        client.push(job);
        System.out.printf("pushed %s %s args=%s%n", job.jobtype(), job.jid(), job.args());
      }
    }

    CountDownLatch stopped = new CountDownLatch(1);
    WorkerManager worker =
        WorkerManager.builder(config)
            .concurrency(5)
            .queues("default")
            // Ctrl-C (SIGINT) stops fetching and lets running jobs finish within the grace period.
            .shutdownHook(true)
            .onShutdown(stopped::countDown)
            .register(JOB_TYPE, WelcomeEmail.class, (ctx, email) -> send(ctx.jid(), email))
            .build();
    worker.start();
    System.out.println("worker " + worker.wid() + " started; Ctrl-C stops it");

    if (runFor == null) {
      stopped.await();
    } else if (!stopped.await(runFor.toMillis(), TimeUnit.MILLISECONDS)) {
      worker.stop(Duration.ofSeconds(5));
      System.out.println("stopped after " + runFor.toSeconds() + "s");
    }
  }

  /** The jobs the example pushes: three to run now and one scheduled {@link #SCHEDULED_DELAY}. */
  static List<Job> welcomeJobs() {
    List<Job> jobs = new ArrayList<>();
    jobs.add(Jobs.of(JOB_TYPE, new WelcomeEmail("ada@example.com", "Ada")));
    jobs.add(Jobs.of(JOB_TYPE, new WelcomeEmail("grace@example.com", "Grace")));
    jobs.add(Jobs.of(JOB_TYPE, new WelcomeEmail("alan@example.com", "Alan")));
    jobs.add(
        Jobs.builder(JOB_TYPE)
            .args(new WelcomeEmail("linus@example.com", "Linus"))
            .in(SCHEDULED_DELAY)
            .build());
    return jobs;
  }

  /**
   * Reads {@code --seconds N}; {@code null} means run until stopped.
   *
   * @throws IllegalArgumentException an unknown argument or a missing or non-positive N
   */
  static Duration parseSeconds(String[] args) {
    if (args.length == 0) {
      return null;
    }
    if (args.length == 2 && args[0].equals("--seconds")) {
      try {
        long n = Long.parseLong(args[1]);
        if (n > 0) {
          return Duration.ofSeconds(n);
        }
      } catch (NumberFormatException e) {
        // falls through to the usage error below
      }
    }
    throw new IllegalArgumentException("usage: ExampleApp [--seconds N] (N > 0)");
  }

  private static void send(String jid, WelcomeEmail email) {
    // A real application would call its mailer here.
    System.out.printf(
        "[%s] %s: sending welcome email to %s <%s>%n",
        Thread.currentThread().getName(), jid, email.name(), email.to());
  }
}
