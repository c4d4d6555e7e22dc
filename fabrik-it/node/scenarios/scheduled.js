"use strict";
// A job pushed with "at" a few seconds ahead waits in the scheduled set and runs after its time.
// Args: [delaySeconds=3]
const { faktory, run, check, waitFor, url, queueSize, setSize } = require("./lib");

run(async (argv) => {
  url();
  const delayMs = Number(argv[0] || 3) * 1000;
  const client = await faktory.connect();
  const at = new Date(Date.now() + delayMs);
  const job = client.job("Later", "payload");
  job.queue = "sched";
  job.at = at;
  const jid = await job.push();

  const before = await client.info();
  check(setSize(before, "Scheduled") === 1, "job should be scheduled", before.faktory.tasks);
  check(queueSize(before, "sched") === 0, "job must not be queued yet", before.faktory.queues);

  let ranAt = null;
  faktory.register("Later", async () => {
    ranAt = Date.now();
  });
  const worker = await faktory.work({ concurrency: 1, queues: ["sched"] });
  await waitFor("the scheduled job to run", () => ranAt !== null, delayMs + 20000);
  await worker.stop();
  check(ranAt >= at.getTime(), "job ran before its time", { ranAt, at: at.getTime() });
  const after = await client.info();
  check(setSize(after, "Scheduled") === 0, "scheduled set should be empty", after.faktory.tasks);
  await client.close();
  return { jid, at: at.toISOString(), lateMs: ranAt - at.getTime() };
});
