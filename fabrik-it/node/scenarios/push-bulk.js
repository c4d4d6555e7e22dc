"use strict";
// PUSHB through client.pushBulk: five good jobs and one without a jobtype. The bad one must be
// reported in the returned map (and only it), the good ones must all run.
const { faktory, run, check, waitFor, url, queueSize } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  const good = [];
  for (let i = 0; i < 5; i++) {
    good.push(client.job("Bulk", i));
  }
  good.forEach((job) => (job.queue = "bulk"));
  const bad = { jid: "bad-job-without-type-0001", jobtype: "", queue: "bulk", args: [] };
  const rejected = await client.pushBulk([...good, bad]);

  const rejectedJids = Object.keys(rejected);
  check(rejectedJids.length === 1 && rejectedJids[0] === bad.jid, "wrong rejections", { rejected });
  const reason = rejected[bad.jid].reason;
  check(/jobtype/.test(reason), "rejection reason should name the jobtype", { reason });

  const queued = queueSize(await client.info(), "bulk");
  check(queued === 5, "five good jobs should be queued", { queued });

  const ran = new Set();
  faktory.register("Bulk", async (i) => {
    ran.add(i);
  });
  const worker = await faktory.work({ concurrency: 5, queues: ["bulk"] });
  await waitFor("all five bulk jobs to run", () => ran.size === 5);
  await worker.stop();
  await client.close();
  return { rejected: { [bad.jid]: reason }, ran: [...ran].sort() };
});
