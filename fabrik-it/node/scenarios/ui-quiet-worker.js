"use strict";
// Quiet a connected worker from the Busy page; the Java side then checks that its next BEAT is
// answered with {"state":"quiet"}. Args: wid.
const { run, check } = require("./lib");
const { withBrowser, text } = require("./browser");

run(async ([wid]) =>
  withBrowser("quiet-worker", async (b) => {
    const { page } = b;
    const row = `tr[data-wid="${wid}"]`;
    await b.goto("/busy");
    await page.waitForSelector(row);
    check((await text(page, `${row} [data-field="state"]`)) === "running", "worker is running");
    check((await page.$("tr[data-jid]")) !== null, "a job in progress is listed");
    await b.shot("busy");

    await Promise.all([page.waitForNavigation(), page.click(`${row} button:text("Quiet")`)]);
    const flash = await text(page, ".flash");
    check(flash === `Quiet sent to ${wid}`, "flash after quiet", { flash });
    check((await text(page, `${row} [data-field="state"]`)) === "quiet", "worker shows quiet");
    await b.shot("busy-quiet");
    return { wid, flash };
  })
);
