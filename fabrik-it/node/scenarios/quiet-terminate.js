"use strict";
// Worker lifecycle driven by the server. A worker (given wid, BEAT every second) runs until the
// operator quiets it, then terminates it; the worker must then stop and this process end by itself.
// Events: "working" once the first BEAT went through; "quiet" once the worker has quieted AND no
// FETCH of it is still in flight (so a job pushed from now on cannot be handed to it);
// "stopping" when it starts to terminate; then "ok" and the process exits with no explicit exit().
// Args: wid.
const { faktory, run, emit, finish, url } = require("./lib");

run(async (argv) => {
  url();
  const wid = argv[0];
  const ran = [];
  const worker = new faktory.Worker({ wid, concurrency: 3, queues: ["default"], beatInterval: 1 });
  worker.register("Work", async (n) => {
    ran.push(n);
    emit("ran", { n });
  });

  // Count FETCHes in flight, to know when a quiet worker can no longer receive a job.
  let inFlight = 0;
  const fetch = worker.client.fetch.bind(worker.client);
  worker.client.fetch = async (...queues) => {
    inFlight += 1;
    try {
      return await fetch(...queues);
    } finally {
      inFlight -= 1;
    }
  };
  let stopping = false;
  const quiet = worker.quiet.bind(worker);
  worker.quiet = () => {
    quiet();
    if (stopping) {
      return;
    }
    const poll = setInterval(() => {
      if (inFlight === 0 || stopping) {
        clearInterval(poll);
        if (!stopping) {
          emit("quiet", { wid });
        }
      }
    }, 20);
  };
  const stop = worker.stop.bind(worker);
  worker.stop = async () => {
    if (!stopping) {
      stopping = true;
      emit("stopping", { wid });
    }
    await stop();
    finish({ wid, ran });
  };

  await worker.work();
  emit("working", { wid });
  return undefined; // the process ends when the terminated worker has closed everything
});
