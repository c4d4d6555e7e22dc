"use strict";
// Job tracking through faktory-worker's raw command API (client.send): a job pushed with
// custom.track = 1 is enqueued, its handler reports progress with TRACK SET and reads itself as
// working with TRACK GET, and after the worker ACKed it the state is success with the progress
// kept. A tracked job that fails without retries reads failed; a reserve_until in the past is
// refused with an error; an untracked jid is unknown. Args: none. Queue "trk".
const { faktory, run, check, waitFor, url } = require("./lib");

const encode = (o) => JSON.stringify(o);

async function trackGet(client, jid) {
  return JSON.parse(await client.send(["TRACK", "GET", jid]));
}

run(async () => {
  url();
  const client = await faktory.connect();
  const jid = await client.push({ jobtype: "Tracked", queue: "trk", custom: { track: 1 } });
  const failing = await client.push({
    jobtype: "TrackedFailing", queue: "trk", retry: 0, custom: { track: 1 },
  });
  const plain = await client.push({ jobtype: "Plain", queue: "trk" });

  const enqueued = await trackGet(client, jid);
  check(enqueued.state === "enqueued", "a pushed tracked job should be enqueued", enqueued);
  check(typeof enqueued.updated_at === "string", "updated_at missing", enqueued);

  const seenInside = [];
  faktory.register("Tracked", () => async ({ job }) => {
    const reply = await client.send(
      ["TRACK", "SET", encode({ jid: job.jid, percent: 50, desc: "halfway there" })]);
    check(reply === "OK", "TRACK SET should answer OK", { reply });
    seenInside.push(await trackGet(client, job.jid));
    let refused = null;
    try {
      await client.send(["TRACK", "SET", encode({
        jid: job.jid, reserve_until: new Date(Date.now() - 60000).toISOString(),
      })]);
    } catch (e) {
      refused = String(e.message);
    }
    check(refused && refused.includes("reserve_until"), "a past reserve_until must be refused",
      { refused });
    const extended = await client.send(["TRACK", "SET", encode({
      jid: job.jid, reserve_until: new Date(Date.now() + 3600 * 1000).toISOString(),
    })]);
    check(extended === "OK", "a reserve_until an hour ahead should be accepted", { extended });
  });
  faktory.register("TrackedFailing", async () => {
    throw new Error("tracked failure");
  });
  faktory.register("Plain", async () => {});
  const worker = await faktory.work({ concurrency: 1, queues: ["trk"] });
  await waitFor("the tracked job to succeed",
    async () => (await trackGet(client, jid)).state === "success");
  await waitFor("the failing tracked job to fail",
    async () => (await trackGet(client, failing)).state === "failed");
  await worker.stop();

  const inside = seenInside[0];
  check(inside && inside.state === "working" && inside.percent === 50,
    "the handler should see itself working at 50%", { inside });
  const done = await trackGet(client, jid);
  check(done.percent === 50 && done.desc === "halfway there", "progress lost after ACK", done);
  const untracked = await trackGet(client, plain);
  check(untracked.state === "unknown", "an untracked job should be unknown", untracked);
  await client.close();
  return { jid, failing, inside, done, untracked };
});
