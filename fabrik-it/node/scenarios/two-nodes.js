"use strict";
// Two server nodes on one PostgreSQL schema: jobs pushed through node A (FAKTORY_URL) are worked
// by a worker connected only to node B (argv[0]). Then, with the worker idle in a blocking FETCH
// on B, single pushes on A must wake it quickly: B hears of A's commit through LISTEN/NOTIFY, not
// by waiting out its FETCH or a poll.
// Args: url of node B, number of jobs. Queue "two-nodes".
const { faktory, run, check, waitFor, url, queueSize } = require("./lib");

run(async (argv) => {
  url();
  const nodeB = argv[0];
  const count = Number(argv[1] || 20);
  check(nodeB && nodeB !== url(), "node B must be another server than FAKTORY_URL", { nodeB });

  const onA = await faktory.connect(); // FAKTORY_URL: node A
  const pushed = [];
  for (let i = 0; i < count; i++) {
    pushed.push(await onA.push({ jobtype: "TwoNodes", queue: "two-nodes", args: [i] }));
  }

  const ran = new Map(); // n -> time it ran
  const twice = []; // a throw in a handler would only FAIL the job: collect, check at the end
  const worker = new faktory.Worker({ url: nodeB, concurrency: 4, queues: ["two-nodes"] });
  worker.register("TwoNodes", async (n) => {
    if (ran.has(n)) {
      twice.push(n);
    }
    ran.set(n, Date.now());
  });
  await worker.work();
  await waitFor("node B's worker to run every job pushed on node A", () => ran.size === count);

  // Wake-up latency: each push lands on A while B's worker is blocked in FETCH.
  const wakeMs = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the worker block in FETCH again
    const n = count + i;
    const start = Date.now();
    await onA.push({ jobtype: "TwoNodes", queue: "two-nodes", args: [n] });
    await waitFor(`job ${n} to run on node B`, () => ran.has(n), 10000, 2);
    wakeMs.push(ran.get(n) - start);
  }
  await worker.stop();

  check(twice.length === 0, "jobs ran twice", { twice });
  const info = await onA.info();
  check(queueSize(info, "two-nodes") === 0, "queue not drained", info.faktory.queues);
  await onA.close();
  wakeMs.sort((a, b) => a - b);
  return { pushed: pushed.length, ran: ran.size, wakeMs, medianWakeMs: wakeMs[2] };
});
