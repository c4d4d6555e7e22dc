"use strict";
// Snooze from a stock faktory-worker handler: throwing new Error("snooze 2") makes the server
// schedule the job 2 s ahead instead of failing it. The job then runs again with no failure
// recorded (its retry count untouched) and custom.snoozes = 1; INFO counts no failure. Args: none.
// Queue "nap".
const { faktory, run, check, waitFor, url } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  const runs = [];
  // faktory-worker calls a handler factory with the job's args, then with { job }.
  faktory.register("Napper", () => async ({ job }) => {
    runs.push({ at: Date.now(), failure: job.failure || null, custom: job.custom || null });
    if (runs.length === 1) {
      throw new Error("snooze 2");
    }
  });
  const jid = await client.push({ jobtype: "Napper", queue: "nap", retry: 3 });
  const worker = await faktory.work({ concurrency: 1, queues: ["nap"] });
  const sets = async () => JSON.parse(await client.send(["INFO"]));
  // The handler has thrown before the worker's FAIL arrives: wait for the job to be scheduled.
  const info = await waitFor("the snoozed job in the scheduled set", async () => {
    const i = await sets();
    return runs.length === 1 && i.faktory.sets.scheduled === 1 ? i : null;
  });
  const whileSnoozed = {
    scheduled: info.faktory.sets.scheduled,
    retries: info.faktory.sets.retries,
    failures: info.faktory.total_failures,
  };
  await waitFor("the snoozed job to run again", async () => runs.length >= 2, 20000);
  await worker.stop();
  await client.close();
  check(runs.length === 2, "the job should have run exactly twice", { runs });
  return {
    jid,
    whileSnoozed,
    delayMs: runs[1].at - runs[0].at,
    secondFailure: runs[1].failure,
    secondCustom: runs[1].custom,
  };
});
