"use strict";
// QUEUE PAUSE / RESUME. faktory-worker 4.7.1 has no queue-control helper, so this goes through
// client.send(), the client's public raw-command method. The worker fetches the queues in strict
// order ["pq", "default"]: if "pq" were not paused, its job would be fetched before any default job.
const { faktory, run, check, waitFor, url } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  await client.push({ jobtype: "Ordered", queue: "pq", args: ["P"] });
  // A queue is only pausable once it exists, hence push first.
  check((await client.send(["QUEUE", "PAUSE", "pq"])) === "OK", "QUEUE PAUSE should answer OK");
  await client.push({ jobtype: "Ordered", queue: "default", args: ["D1"] });

  const order = [];
  faktory.register("Ordered", async (name) => {
    order.push(name);
  });
  const worker = await faktory.work({ concurrency: 1, queues: ["pq", "default"] });
  await waitFor("D1 to run", () => order.includes("D1"));
  await client.push({ jobtype: "Ordered", queue: "default", args: ["D2"] });
  await waitFor("D2 to run", () => order.includes("D2"));
  check(!order.includes("P"), "a job of a paused queue was fetched", { order });
  const paused = await client.info();
  check(paused.faktory.queues.pq === 1, "the paused queue still holds its job", paused.faktory.queues);

  check((await client.send(["QUEUE", "RESUME", "pq"])) === "OK", "QUEUE RESUME should answer OK");
  await waitFor("P to run after resume", () => order.includes("P"));
  await worker.stop();
  check(JSON.stringify(order) === JSON.stringify(["D1", "D2", "P"]), "run order", { order });
  await client.close();
  return { order };
});
