"use strict";
// Pause a queue from the Queues page, let the Java side check that FETCH skips it, resume it,
// and let the Java side fetch from it again. Steps: "paused" -> {} ; "resumed" -> {}.
// Args: queue.
const { run, check } = require("./lib");
const { withBrowser, ask, done, text } = require("./browser");

run(async ([queue]) =>
  withBrowser("pause-queue", async (b) => {
    const { page } = b;
    const row = `tr[data-queue="${queue}"]`;
    await b.goto("/queues");
    await b.shot("queues");

    await Promise.all([page.waitForNavigation(), page.click(`${row} button:text("Pause")`)]);
    check((await text(page, ".flash")) === `Queue ${queue} paused`, "flash after pause");
    check((await text(page, `${row} .badge`)) === "paused", "queue shows paused");
    await b.shot("queues-paused");
    await ask("paused", { queue });

    await Promise.all([page.waitForNavigation(), page.click(`${row} button:text("Resume")`)]);
    check((await text(page, `${row} .badge`)) === "active", "queue shows active");
    await b.shot("queues-resumed");
    await ask("resumed", { queue });
    done();
    return { queue };
  })
);
