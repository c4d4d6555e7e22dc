"use strict";
// The Busy page: switch Live on, let the Java side fetch another job, and see it appear without a
// reload; then quiet the worker (from a row Live rebuilt) and find Live still on after the form's
// reload. The Java side then checks that the worker's next BEAT is answered {"state":"quiet"}.
// Steps: "live" -> {"jid": the job fetched meanwhile}. Args: wid.
const { run, check } = require("./lib");
const { withBrowser, ask, done, text } = require("./browser");

run(async ([wid]) =>
  withBrowser("quiet-worker", async (b) => {
    const { page } = b;
    const row = `tr[data-wid="${wid}"]`;
    await b.goto("/busy");
    await page.waitForSelector(row);
    check((await text(page, `${row} [data-field="state"]`)) === "running", "worker is running");
    check((await page.$$("tr[data-jid]")).length === 1, "one job in progress is listed");
    await page.waitForSelector("#live-toggle", { state: "visible" });
    check(!(await page.isChecked("#live-toggle")), "Live is off by default");
    await b.shot("busy");

    await page.check("#live-toggle");
    await page.evaluate(() => {
      window.fabrikNoReload = true; // gone if the page reloads
    });
    const { jid } = await ask("live", { wid });
    done();
    await page.waitForSelector(`tr[data-jid="${jid}"]`, { timeout: 20000 });
    check(await page.evaluate(() => window.fabrikNoReload === true), "refreshed without a reload");
    const working = await text(page, 'h2 [data-count="working"]');
    check(working === "2", "the heading counts both jobs", { working });
    check((await text(page, "#live-status")).startsWith("Updated "), "says when it updated");
    await b.shot("busy-live");

    await Promise.all([page.waitForNavigation(), page.click(`${row} button:text("Quiet")`)]);
    const flash = await text(page, ".flash");
    check(flash === `Quiet sent to ${wid}`, "flash after quiet", { flash });
    check((await text(page, `${row} [data-field="state"]`)) === "quiet", "worker shows quiet");
    check(await page.isChecked("#live-toggle"), "Live is remembered across the reload");
    await b.shot("busy-quiet");
    // Off again, and that is remembered too.
    await page.uncheck("#live-toggle");
    await b.goto("/busy");
    check(!(await page.isChecked("#live-toggle")), "Live off is remembered");
    return { wid, flash, jid };
  })
);
