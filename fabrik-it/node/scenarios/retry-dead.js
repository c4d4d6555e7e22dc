"use strict";
// A job with retry:1 whose handler throws: first failure -> retries set; we requeue it at once
// with MUTATE (client.retries...requeue()) instead of waiting out the backoff; the second
// failure exhausts the retry -> dead set.
const { faktory, run, check, waitFor, url, setSize } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  const jid = await client.push({ jobtype: "Boom", queue: "retry", args: [], retry: 1 });

  let attempts = 0;
  faktory.register("Boom", async () => {
    attempts += 1;
    throw new Error(`boom ${attempts}`);
  });
  const worker = await faktory.work({ concurrency: 1, queues: ["retry"] });

  await waitFor("the first failure to land in retries",
    async () => setSize(await client.info(), "Retries") === 1);
  check(attempts === 1, "exactly one attempt before requeue", { attempts });

  await client.retries.withJids(jid).requeue();
  const dead = await waitFor("the job to die after its retry", async () => {
    const i = await client.info();
    return setSize(i, "Dead") === 1 ? i : null;
  });
  await worker.stop();
  check(attempts === 2, "retry:1 means two attempts", { attempts });
  check(setSize(dead, "Retries") === 0, "retries should be empty", dead.faktory.tasks);
  await client.close();
  return { jid, attempts, failures: dead.faktory.total_failures };
});
