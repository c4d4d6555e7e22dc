"use strict";
// Unique jobs (Faktory Enterprise's custom.unique_for / unique_until) through the npm client:
// a duplicate push is rejected with NOTUNIQUE, pushBulk reports it in its map, and the lock is
// given back when the job is fetched (unique_until "start") or acknowledged (the default).
const { faktory, run, check, waitFor, url } = require("./lib");

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return String(error && error.message);
  }
  return null;
}

run(async () => {
  url();
  const client = await faktory.connect();

  const first = client.job("Unique", "report-1");
  first.queue = "unique-success";
  first.custom = { unique_for: 60 };
  await first.push();

  const duplicate = client.job("Unique", "report-1");
  duplicate.queue = "unique-success";
  duplicate.custom = { unique_for: 60 };
  const notUnique = await rejection(duplicate.push());
  check(notUnique !== null && /^NOTUNIQUE/.test(notUnique), "duplicate push should fail", {
    notUnique,
  });

  const bulkDuplicate = client.job("Unique", "report-1");
  bulkDuplicate.queue = "unique-success";
  bulkDuplicate.custom = { unique_for: 60 };
  const bulkFresh = client.job("Unique", "report-2");
  bulkFresh.queue = "unique-success";
  bulkFresh.custom = { unique_for: 60 };
  const rejected = await client.pushBulk([bulkDuplicate, bulkFresh]);
  const rejectedJids = Object.keys(rejected);
  check(
    rejectedJids.length === 1 && rejectedJids[0] === bulkDuplicate.jid,
    "pushBulk should reject only the duplicate",
    { rejected }
  );
  const bulkReason = rejected[bulkDuplicate.jid].reason;

  const early = client.job("Unique", "starting");
  early.queue = "unique-start";
  early.custom = { unique_for: 600, unique_until: "start" };
  await early.push();

  const ran = [];
  let release;
  const blocked = new Promise((resolve) => (release = resolve));
  faktory.register("Unique", async (arg) => {
    ran.push(arg);
    if (arg === "starting") {
      await blocked; // still running: only the FETCH can have released its lock
    }
  });
  const worker = await faktory.work({ concurrency: 3, queues: ["unique-start", "unique-success"] });

  await waitFor("the unique_until=start job to start", () => ran.includes("starting"));
  const again = client.job("Unique", "starting");
  again.queue = "unique-start";
  again.custom = { unique_for: 600, unique_until: "start" };
  const afterStart = await rejection(again.push());
  check(afterStart === null, "a started job's lock is released", { afterStart });
  release();

  await waitFor("the four jobs so far to be acknowledged", async () => {
    const info = await client.info();
    return info.faktory.total_processed >= 4;
  });
  const afterAck = client.job("Unique", "report-1");
  afterAck.queue = "unique-success";
  afterAck.custom = { unique_for: 60 };
  const afterAckError = await rejection(afterAck.push());
  check(afterAckError === null, "an acknowledged job's lock is released", { afterAckError });

  await waitFor("every pushed job to run", () => ran.length === 5);
  await worker.stop();
  await client.close();
  return { notUnique, bulkReason, ran: ran.slice().sort() };
});
