"use strict";
// Retry a dead job from its own page: Dead list -> job page (args escaped, backtrace shown) ->
// "Retry now" -> the flash, and the job is listed in its queue. Also the Dead page at phone size.
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

    await b.goto(`/queues/${encodeURIComponent(queue)}`);
    await page.waitForSelector(`tr[data-jid="${jid}"]`);
    await b.shot("queue");
    return { flash, retried: jid };
  })
);
