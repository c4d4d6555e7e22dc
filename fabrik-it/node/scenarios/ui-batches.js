"use strict";
// The Batches page: a running batch's row with its progress bar (3 of 4 ran), then its own page
// with the counts, the callback states, its pending job and its failed job; both at desktop and
// phone size. Args: bid, pending jid, failed jid.
const { run, check } = require("./lib");
const { withBrowser, done, text } = require("./browser");

run(async ([bid, pendingJid, failedJid]) =>
  withBrowser("batches", async (b) => {
    const { page } = b;
    const row = `tr[data-batch="${bid}"]`;
    await b.goto("/batches");
    await page.waitForSelector(`${row} progress`);
    const bar = await page.$eval(`${row} progress`, (p) => [p.value, p.max]);
    check(bar[0] === 3 && bar[1] === 4, "the bar shows 3 of 4 jobs ran", { bar });
    const label = await text(page, `${row} .progress-label`);
    check(label === "3 / 4", "the label counts jobs", { label });
    check((await text(page, `${row} [data-field="failed"]`)) === "1", "one failed job");
    check((await text(page, `${row} [data-field="complete"]`)) === "waiting", "complete waits");
    await b.shot("list");
    await b.phone();
    await b.shot("list-phone");
    await b.desktop();

    await Promise.all([page.waitForNavigation(), page.click(`${row} a`)]);
    check((await text(page, "#bid")) === bid, "the batch page shows its bid", { bid });
    check((await text(page, "#pending")) === "1", "one pending");
    check((await text(page, "#state")) === "committed", "committed");
    const pending = await text(page, "#pending-jids");
    check(pending.includes(pendingJid), "the pending job is listed", { pending });
    const failed = await text(page, "#failed-jids");
    check(failed.includes(failedJid), "the failed job is listed", { failed });
    await b.shot("batch");
    await b.phone();
    await b.shot("batch-phone");
    done();
    return { bid };
  })
);
