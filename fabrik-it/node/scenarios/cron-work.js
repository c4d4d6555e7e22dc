"use strict";
// Works jobs that a cron entry pushes: registers the job type, works the queue until `count` jobs
// ran, and reports each one's jid and custom.cron ({id, tick}).
// Args: jobtype queue [count=2]
const { faktory, run, waitFor, url } = require("./lib");

run(async (argv) => {
  url();
  const [jobtype, queue] = argv;
  const count = Number(argv[2] || 2);
  const ran = [];
  faktory.register(jobtype, () => async ({ job }) => {
    ran.push({ jid: job.jid, cron: job.custom && job.custom.cron });
  });
  const worker = await faktory.work({ concurrency: 1, queues: [queue] });
  await waitFor(`${count} ${jobtype} jobs from cron`, () => ran.length >= count, 30000);
  await worker.stop();
  return { ran };
});
