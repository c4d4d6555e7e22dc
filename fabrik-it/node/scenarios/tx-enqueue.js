"use strict";
// Transactional enqueue seen by a Node worker: the Java test enqueues jobs inside its own
// PostgreSQL transactions (TransactionalEnqueue and plain SQL fabrik.push), rolls some back and
// commits others, and this worker, connected to a server node on that database, reports what it
// was given. One queue ("tx"), concurrency 1: jobs arrive in commit order, and the last one the
// test commits ("TxEnd") ends the run, so every job committed before it has been delivered by then
// and a rolled-back job that had leaked would have been too.
// Events: "ready" once the worker is fetching; "ok" with ran = [{type, arg, at}] in delivery order.
const { faktory, emit, run, waitFor, check, url, queueSize } = require("./lib");

run(async () => {
  url();
  const ran = [];
  const worker = new faktory.Worker({ concurrency: 1, queues: ["tx"] });
  for (const type of ["TxJava", "TxSql", "TxEnd"]) {
    worker.register(type, async (arg) => {
      ran.push({ type, arg, at: Date.now() });
    });
  }
  await worker.work();
  // Let the worker settle into a blocking FETCH, so the first commit has to wake it.
  await new Promise((resolve) => setTimeout(resolve, 300));
  emit("ready");
  await waitFor("the TxEnd job the test commits last", () => ran.some((r) => r.type === "TxEnd"), 30000, 2);
  await worker.stop();

  const client = await faktory.connect();
  const info = await client.info();
  await client.close();
  check(queueSize(info, "tx") === 0, "queue tx not drained", info.faktory.queues);
  return { ran };
});
