"use strict";
// 10,000 jobs through one worker at concurrency 20: each must run exactly once.
// Args: [count=10000] [concurrency=20]
const { faktory, run, check, waitFor, url, queueSize } = require("./lib");

run(async (argv) => {
  url();
  const count = Number(argv[0] || 10000);
  const concurrency = Number(argv[1] || 20);
  const client = await faktory.connect();
  const pushed = new Set();
  for (let start = 0; start < count; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const job = client.job("Load", i);
      job.queue = "load";
      batch.push(job);
      pushed.add(job.jid);
    }
    const rejected = await client.pushBulk(batch);
    check(Object.keys(rejected).length === 0, "pushBulk rejected jobs", { rejected });
  }
  check(pushed.size === count, "client produced duplicate jids");

  const runs = new Map(); // jid -> times run
  let maxInFlight = 0; // most jobs the worker held at once (fetched, not yet ACKed)
  let worker = null;
  // A handler that returns a function gets the job context: that is how it sees its own jid.
  faktory.register("Load", () => async ({ job }) => {
    runs.set(job.jid, (runs.get(job.jid) || 0) + 1);
    if (worker) {
      maxInFlight = Math.max(maxInFlight, worker.working.size);
    }
  });
  const started = Date.now();
  worker = await faktory.work({ concurrency, queues: ["load"] });
  await waitFor(`${count} distinct jobs to run`, () => runs.size >= count, 180000, 100);
  await worker.stop();
  const elapsedMs = Date.now() - started;

  let total = 0;
  const duplicates = [];
  for (const [jid, times] of runs) {
    total += times;
    if (times !== 1) duplicates.push(jid);
  }
  const strangers = [...runs.keys()].filter((jid) => !pushed.has(jid));
  check(duplicates.length === 0, "jobs ran more than once", { duplicates: duplicates.slice(0, 10) });
  check(strangers.length === 0, "jobs nobody pushed ran", { strangers: strangers.slice(0, 10) });
  check(total === count, "run count", { total, count });
  const info = await client.info();
  check(queueSize(info, "load") === 0, "queue not empty", info.faktory.queues);
  await client.close();
  return { runs: total, distinct: runs.size, maxInFlight, elapsedMs };
});
