"use strict";
// The Busy page shows a progress bar for a running tracked job: the bar and "30% resizing images"
// as the page is served, then, with Live on, the bar follows the next TRACK SET (80% uploading)
// without a reload. An untracked job in progress has no bar.
// Steps: "live" -> {} once the Java side sent the second TRACK SET. Args: tracked jid, plain jid.
const { run, check } = require("./lib");
const { withBrowser, ask, done, text } = require("./browser");

run(async ([jid, plain]) =>
  withBrowser("track-progress", async (b) => {
    const { page } = b;
    const cell = `tr[data-jid="${jid}"] [data-field="progress"]`;
    await b.goto("/busy");
    await page.waitForSelector(`${cell} progress`);
    const served = await page.$eval(`${cell} progress`, (p) => [p.value, p.max]);
    check(served[0] === 30 && served[1] === 100, "the bar is at 30 of 100", { served });
    const label = await text(page, `${cell} .progress-label`);
    check(label === "30% resizing images", "the label says percent and desc", { label });
    check((await page.$$(`tr[data-jid="${plain}"] [data-field="progress"] progress`)).length === 0,
      "an untracked job has no bar");
    // Seen, not just present: the bar and its label lie inside the table's visible box.
    const wrap = await page.$eval("#jobs-table", (e) => e.getBoundingClientRect().right);
    const right = await page.$eval(`${cell} .progress`, (e) => e.getBoundingClientRect().right);
    check(right <= wrap, "the progress cell fits the table without scrolling", { right, wrap });
    await b.shot("busy-progress");

    await page.waitForSelector("#live-toggle", { state: "visible" });
    await page.check("#live-toggle");
    await page.evaluate(() => {
      window.fabrikNoReload = true; // gone if the page reloads
    });
    await ask("live", { jid });
    done();
    await page.waitForFunction(
      (sel) => {
        const p = document.querySelector(sel + " progress");
        const l = document.querySelector(sel + " .progress-label");
        return p && p.value === 80 && l && l.textContent === "80% uploading";
      },
      cell,
      { timeout: 20000 }
    );
    check(await page.evaluate(() => window.fabrikNoReload === true), "refreshed without a reload");
    await b.shot("busy-progress-live");
    await page.uncheck("#live-toggle");
    return { jid, label };
  })
);
