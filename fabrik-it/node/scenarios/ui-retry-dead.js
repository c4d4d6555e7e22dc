"use strict";
// Retry a dead job from its own page: Dead list -> job page (args escaped, backtrace shown) ->
// "Retry now" -> the flash, and the job is listed in its queue; the other dead job is then deleted
// through select-all (with its confirmation). Also the Dead page at phone size. Then the retried job's
// page from its queue's listing, and a pause from the queue's own page.
// Args: jid, queue.
const { run, check } = require("./lib");
const { withBrowser, text } = require("./browser");

run(async ([jid, queue]) =>
  withBrowser("retry-dead", async (b) => {
    const { page } = b;
    await b.goto("/dead");
    await page.waitForSelector(`tr[data-jid="${jid}"]`);
    await b.shot("dead");
    await b.phone();
    await b.shot("dead-phone");
    await b.desktop();

    await Promise.all([page.waitForNavigation(), page.click(`tr[data-jid="${jid}"] a`)]);
    check((await text(page, "#jid")) === jid, "job page shows the jid", { jid });
    const args = await text(page, "#args");
    check(args.includes("<script>alert(1)</script>"), "args shown as text, not run", { args });
    check((await page.$("pre.backtrace")) !== null, "backtrace shown");
    await b.shot("job");

    await Promise.all([page.waitForNavigation(), page.click('button[value="retry"]')]);
    const flash = await text(page, ".flash");
    check(flash === "1 job retried", "flash after retry", { flash });
    check((await page.$(`tr[data-jid="${jid}"]`)) === null, "job left the dead set");
    await b.shot("dead-after-retry");

    // The rest goes through select-all and the bulk Delete, which asks to confirm first.
    await page.check("input[data-select-all]");
    const selected = await page.$$eval("input[name=key]:checked", (boxes) => boxes.length);
    check(selected === 1, "select-all ticks every row", { selected });
    await Promise.all([page.waitForNavigation(), page.click('button[name="action"][value="delete"]')]);
    check(b.dialogs.some((m) => m.startsWith("Delete the selected jobs")), "delete asked to confirm", {
      dialogs: b.dialogs,
    });
    const deleted = await text(page, ".flash");
    check(deleted === "1 job deleted", "flash after delete", { deleted });
    await b.shot("dead-after-delete");

    await b.goto(`/queues/${encodeURIComponent(queue)}`);
    await page.waitForSelector(`tr[data-jid="${jid}"]`);
    await b.shot("queue");

    // The queued job's own page, from its JID on the queue's page.
    await Promise.all([page.waitForNavigation(), page.click(`tr[data-jid="${jid}"] a`)]);
    check((await text(page, "#jid")) === jid, "queued job page shows the jid", { jid });
    const place = await text(page, "#job-place");
    check(place === `In queue ${queue}`, "says where the job waits", { place });
    check((await text(page, "#args")).includes("<script>alert(1)</script>"), "args shown as text");
    check((await page.$("pre.backtrace")) !== null, "the last failure is still shown");
    await b.shot("queued-job");

    // Back to the queue's page and pause it there.
    await Promise.all([page.waitForNavigation(), page.click(`a:text("Back to queue ${queue}")`)]);
    await Promise.all([page.waitForNavigation(), page.click('.panel-head button:text("Pause")')]);
    check((await text(page, ".flash")) === `Queue ${queue} paused`, "flash after pause");
    check((await text(page, "#queue-state")) === "paused", "queue page shows paused");
    check(new URL(page.url()).pathname === `/queues/${queue}`, "stays on the queue's page");
    check((await page.$('.panel-head button:text("Resume")')) !== null, "offers Resume");
    await b.shot("queue-paused");
    return { flash, retried: jid, paused: queue };
  })
);
