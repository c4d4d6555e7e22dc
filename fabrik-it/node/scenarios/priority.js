"use strict";
// Job priorities through the client's own API: job().priority and push({priority}). Every job goes
// to one queue before a worker with concurrency 1 starts, so the run order is the server's FETCH
// order: highest priority first, FIFO within a level; the client sends "priority":5 by default.
// A priority that is not an integer is refused with the server's message and nothing is stored.
const { faktory, run, check, waitFor, url, queueSize } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  const push = (name, priority) => {
    const job = client.job("Ordered", name);
    job.queue = "prio";
    if (priority !== undefined) {
      job.priority = priority;
    }
    return job.push();
  };
  await push("low-1", 1);
  await push("default-a"); // the client's default, 5
  await push("high-a", 9);
  await client.push({ jobtype: "Ordered", queue: "prio", args: ["seven"], priority: 7 });
  await push("default-b", 5);
  await push("high-b", 9);
  await push("clamped-0", 0);

  let refused = null;
  try {
    await client.push({ jobtype: "Ordered", queue: "prio", args: ["bad"], priority: "urgent" });
  } catch (e) {
    refused = String(e && e.message);
  }
  check(refused !== null && /invalid priority "urgent"/.test(refused), "a string priority must be refused", {
    refused,
  });
  const queued = queueSize(await client.info(), "prio");
  check(queued === 7, "seven jobs should be queued", { queued });

  const order = [];
  faktory.register("Ordered", async (name) => {
    order.push(name);
  });
  const worker = await faktory.work({ concurrency: 1, queues: ["prio"] });
  await waitFor("all seven jobs to run", () => order.length === 7);
  await worker.stop();
  await client.close();
  return { order, refused };
});
