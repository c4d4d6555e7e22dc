"use strict";
// Workflows from the npm client: any Faktory client can name dependencies in custom.after.
// root (after: []) -> mid (after: [root]) -> last (after: [mid]), pushed in reverse order of
// need; the worker must see them in dependency order. A job naming an unknown jid is refused.
const { faktory, run, check, waitFor, url } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  const root = await client.push({ jobtype: "Step", queue: "flow", args: ["root"], custom: { after: [] } });
  const mid = await client.push({ jobtype: "Step", queue: "flow", args: ["mid"], custom: { after: [root] } });
  await client.push({ jobtype: "Step", queue: "flow", args: ["last"], custom: { after: [mid] } });

  let refused = null;
  try {
    await client.push({ jobtype: "Step", queue: "flow", args: ["x"], custom: { after: ["no-such-jid"] } });
  } catch (e) {
    refused = String(e.message);
  }

  const order = [];
  faktory.register("Step", async (name) => {
    order.push(name);
  });
  const worker = await faktory.work({ concurrency: 3, queues: ["flow"] });
  await waitFor("the three steps to run", async () => order.length >= 3);
  await worker.stop();
  await client.close();
  check(order.join(",") === "root,mid,last", "steps ran in dependency order", { order });
  return { order, refused };
});
