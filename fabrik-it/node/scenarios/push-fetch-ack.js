"use strict";
// PUSH (client.push and job().push()), FETCH + ACK by hand, then one job through faktory.work().
// Args: none. Queue "pfa".
const { faktory, run, check, waitFor, url, queueSize } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  const args = [1, "two", { three: 3, nested: [true, null] }];
  const first = await client.push({ jobtype: "Echo", queue: "pfa", args, custom: { trace: "t-1" } });
  const second = await client.job("Echo", "x").push(); // default queue, via the builder
  check(typeof first === "string" && first.length >= 8, "push returned no jid", { first });

  const before = await client.info();
  check(queueSize(before, "pfa") === 1, "pfa should hold one job", before.faktory.queues);

  const fetched = await client.fetch("pfa");
  check(fetched && fetched.jid === first, "FETCH returned another job", { fetched });
  check(JSON.stringify(fetched.args) === JSON.stringify(args), "args changed", { args: fetched.args });
  check(fetched.custom && fetched.custom.trace === "t-1", "custom lost", { custom: fetched.custom });
  check(typeof fetched.enqueued_at === "string", "enqueued_at missing", { fetched });
  await client.ack(first);

  const empty = await client.fetch("pfa");
  check(empty === null, "empty queue must FETCH null", { empty });

  // The builder's job went to "default"; a worker picks it up through the registry.
  const seen = [];
  faktory.register("Echo", async (...jobArgs) => {
    seen.push(jobArgs);
  });
  const worker = await faktory.work({ concurrency: 2, queues: ["default"] });
  await waitFor("the worker to run the default job", () => seen.length === 1);
  await worker.stop();

  const after = await client.info();
  check(queueSize(after, "pfa") === 0 && queueSize(after, "default") === 0, "queues not drained",
    after.faktory.queues);
  await client.close();
  return {
    jids: [first, second],
    workerArgs: seen[0],
    processed: after.faktory.total_processed,
  };
});
