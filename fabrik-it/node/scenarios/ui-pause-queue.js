"use strict";
// Pause a queue from the Queues page, let the Java side check that FETCH skips it, resume it,
// let the Java side fetch from it again, then remove it (confirming). Steps: "paused" -> {} ; "resumed" -> {}.
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

    // Remove asks to confirm (the browser's dialog, accepted here) before the queue goes.
    await Promise.all([page.waitForNavigation(), page.click(`${row} button:text("Remove")`)]);
    check(b.dialogs.some((m) => m.startsWith(`Remove queue ${queue}`)), "remove asked to confirm");
    check((await text(page, ".flash")) === `Queue ${queue} removed`, "flash after remove");
    check((await page.$(row)) === null, "queue no longer listed");
    await b.shot("queues-removed");
    return { queue };
  })
);
