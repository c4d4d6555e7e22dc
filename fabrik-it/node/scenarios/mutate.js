"use strict";
// The mutate API (client.scheduled / client.dead ... kill/discard/requeue/clear) with each kind of
// filter, checked through INFO after every step. Mirrors the reference server's mutate test.
const { faktory, run, check, url, queueSize, setSize } = require("./lib");

run(async () => {
  url();
  const client = await faktory.connect();
  const inAnHour = new Date(Date.now() + 3600 * 1000).toISOString();
  const scheduled = (jobtype, args) =>
    client.push({ jobtype, args, queue: "mutq", at: inAnHour });

  await scheduled("SomeJob", ["truid:67123"]);
  const keep = await scheduled("SomeJob", ["trid:67123"]);
  await scheduled("AnotherJob", [1]);
  const other = await scheduled("OtherJob", [2]);

  const steps = [];
  const expect = async (step, want) => {
    const i = await client.info();
    const got = {
      scheduled: setSize(i, "Scheduled"),
      dead: setSize(i, "Dead"),
      queued: queueSize(i, "mutq"),
    };
    steps.push({ step, ...got });
    check(JSON.stringify(got) === JSON.stringify(want), `after ${step}`, { want, got });
  };

  await expect("push", { scheduled: 4, dead: 0, queued: 0 });
  // glob over the stored JSON plus a jobtype: only the "truid" job matches, not "trid".
  await client.scheduled.ofType("SomeJob").matching("*truid:67123*").discard();
  await expect("discard glob+jobtype", { scheduled: 3, dead: 0, queued: 0 });
  await client.scheduled.ofType("AnotherJob").kill();
  await expect("kill jobtype", { scheduled: 2, dead: 1, queued: 0 });
  await client.scheduled.withJids(other).requeue();
  await expect("requeue jids", { scheduled: 1, dead: 0 + 1, queued: 1 });
  // jids override every other filter: a jid that is not there matches nothing.
  await client.scheduled.ofType("SomeJob").withJids("00000000-not-a-job").kill();
  await expect("kill with non-matching jids", { scheduled: 1, dead: 1, queued: 1 });
  await client.dead.ofType("AnotherJob").requeue();
  await expect("requeue dead", { scheduled: 1, dead: 0, queued: 2 });
  await client.scheduled.clear();
  await expect("clear scheduled", { scheduled: 0, dead: 0, queued: 2 });

  const fetched = [await client.fetch("mutq"), await client.fetch("mutq")];
  const types = fetched.map((job) => job && job.jobtype).sort();
  check(JSON.stringify(types) === JSON.stringify(["AnotherJob", "OtherJob"]), "requeued jobs",
    { types });
  for (const job of fetched) {
    await client.ack(job.jid);
  }
  await client.close();
  return { steps, cleared: keep };
});
