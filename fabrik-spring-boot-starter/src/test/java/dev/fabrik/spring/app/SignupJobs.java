package dev.fabrik.spring.app;

import dev.fabrik.client.worker.JobContext;
import dev.fabrik.spring.FabrikJob;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/** The test application's handlers, with hooks the test watches and steers. */
@Component
public class SignupJobs {
  /** "<jid> <email> <plan>" per Welcome job performed, in order. */
  public final BlockingQueue<String> welcomed = new LinkedBlockingQueue<>();

  public final CountDownLatch reportStarted = new CountDownLatch(1);
  public final CountDownLatch reportMayFinish = new CountDownLatch(1);
  public final AtomicBoolean reportFinished = new AtomicBoolean();

  @FabrikJob("Welcome")
  public void welcome(Signup signup, JobContext ctx) {
    welcomed.add(ctx.jid() + " " + signup.email() + " " + signup.plan());
  }

  /** Runs until the test lets it finish: a job in flight while the application stops. */
  @FabrikJob("MonthlyReport")
  public void report(String month) throws InterruptedException {
    reportStarted.countDown();
    if (!reportMayFinish.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the test never let the " + month + " report finish");
    }
    reportFinished.set(true);
  }
}
