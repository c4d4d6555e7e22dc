"use strict";
// Expiring jobs (custom.expires_at / custom.expires_in) pushed the way faktory-worker users do: a
// plain payload object and the job builder's `custom` setter. The already-expired job must never
// reach the worker while the others run; expires_in must come back as an absolute expires_at
// counted from the push; bad values must be refused by PUSH and listed by PUSHB.
// Args: none. Queue "exq".
const { faktory, run, check, waitFor, url, queueSize } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  const pushedAt = Date.now();
  const past = new Date(pushedAt - 60000).toISOString();
  const future = new Date(pushedAt + 3600000).toISOString();
  await client.push({ jobtype: "Expiring", queue: "exq", args: ["expired"], custom: { expires_at: past } });
  const inJob = client.job("Expiring", "in");
  inJob.queue = "exq";
  inJob.custom = { expires_in: 3600 };
  await inJob.push();
  await client.push({ jobtype: "Expiring", queue: "exq", args: ["at"], custom: { expires_at: future } });

  let refused = null;
  try {
    await client.push({ jobtype: "Expiring", queue: "exq", args: ["bad"], custom: { expires_in: -5 } });
  } catch (error) {
    refused = String(error && error.message);
  }
  check(refused !== null && /expires_in/.test(refused), "a negative expires_in must be refused", { refused });
  const badAt = { jid: "bad-expires-at-0001", jobtype: "Expiring", queue: "exq", args: [], custom: { expires_at: "soon" } };
  const rejected = await client.pushBulk([badAt]);
  check(Object.keys(rejected).join() === badAt.jid, "PUSHB should list the bad job", { rejected });
  const bulkReason = rejected[badAt.jid].reason;
  check(/expires_at/.test(bulkReason), "the PUSHB reason should name expires_at", { bulkReason });

  const queued = queueSize(await client.info(), "exq");
  check(queued === 3, "three jobs queued (the expired one waits for a fetch)", { queued });

  const ran = [];
  const expiresAt = {};
  faktory.register("Expiring", (...args) => async ({ job }) => {
    ran.push(args[0]);
    expiresAt[args[0]] = job.custom && job.custom.expires_at;
  });
  const worker = await faktory.work({ concurrency: 1, queues: ["exq"] });
  await waitFor("both live jobs to run", () => ran.length === 2);
  await worker.stop();

  check(!ran.includes("expired"), "the expired job reached the worker", { ran });
  const inAt = Date.parse(expiresAt.in);
  check(
    inAt >= pushedAt + 3600000 - 1000 && inAt <= Date.now() + 3600000,
    "expires_in should become expires_at = push time + 3600 s",
    { expiresAt }
  );
  const after = await client.info();
  check(queueSize(after, "exq") === 0, "the queue should be empty", after.faktory.queues);
  await client.close();
  return { ran, refused, bulkReason, expiresAt };
});
