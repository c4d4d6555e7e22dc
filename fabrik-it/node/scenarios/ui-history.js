"use strict";
// The history graph and the Job types page (issue 17 §2, §3). The Java side has run jobs of three
// types (Resize: 6 ACKed; Zip: 3 ACKed, 1 failed; Charge: 2 failed and dead) and flushed the
// history.
// Dashboard: each range button redraws the graph with that range's points and the runs in it.
// Job types: sorted by processed, then by failed, then by name via the column headers, each type
// linking to its dead jobs. Both pages at 1280 and 390 px without horizontal overflow.
const { run, check } = require("./lib");
const { withBrowser, done } = require("./browser");

async function noOverflow(page, where) {
  const widths = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  check(widths[0] <= widths[1], `${where}: no horizontal overflow`, { widths });
}

async function graph(page) {
  return page.$eval("#history-graph", (g) => ({
    range: g.getAttribute("data-range"),
    points: Number(g.getAttribute("data-points")),
    peak: Number(g.getAttribute("data-peak")),
    line: g.querySelector("polyline.line-processed").getAttribute("points").split(" ").length,
  }));
}

async function order(page) {
  return page.$$eval("#jobtypes tbody tr", (rows) => rows.map((r) => r.getAttribute("data-jobtype")));
}

run(async () =>
  withBrowser("history", async (b) => {
    const { page } = b;
    done();
    await b.goto("/");
    const first = await graph(page);
    check(first.range === "1h" && first.points === 60, "the last hour by minute", first);
    check(first.peak >= 11 && first.line === 60, "this minute's runs are drawn", first);
    await noOverflow(page, "dashboard 1280");
    await b.shot("dashboard");

    const seen = {};
    for (const [id, points] of [["1d", 144], ["7d", 168], ["90d", 90], ["1h", 60]]) {
      await Promise.all([page.waitForNavigation(), page.click(`#history a[data-range="${id}"]`)]);
      const g = await graph(page);
      check(g.range === id && g.points === points && g.line === points, `range ${id}`, g);
      check(g.peak >= 11, `range ${id} shows the runs`, g);
      const current = await page.getAttribute(`#history a[data-range="${id}"]`, "aria-current");
      check(current === "true", `the ${id} button is marked current`);
      seen[id] = g.points;
      if (id === "7d") {
        await b.shot("dashboard-week");
      }
    }
    await b.phone();
    await b.goto("/?range=1d");
    await noOverflow(page, "dashboard 390");
    await b.shot("dashboard-phone");
    await b.desktop();

    await Promise.all([page.waitForNavigation(), page.click('header nav >> text="Job types"')]);
    const byProcessed = await order(page);
    check(byProcessed.join() === "Resize,Zip,Charge", "sorted by processed", { byProcessed });
    const zip = await page.$$eval('tr[data-jobtype="Zip"] td', (tds) => tds.map((t) => t.textContent.trim()));
    check(zip[1] === "4" && zip[2] === "1", "Zip: 4 processed, 1 failed", { zip });
    await noOverflow(page, "job types 1280");
    await b.shot("jobtypes");

    await Promise.all([page.waitForNavigation(), page.click('#jobtypes a[data-sort="failed"]')]);
    const byFailed = await order(page);
    check(byFailed.join() === "Charge,Zip,Resize", "sorted by failed", { byFailed });
    await Promise.all([page.waitForNavigation(), page.click('#jobtypes a[data-sort="name"]')]);
    const byName = await order(page);
    check(byName.join() === "Charge,Resize,Zip", "sorted by name", { byName });
    await Promise.all([page.waitForNavigation(), page.click('a[data-range="7d"]')]);
    check(page.url().includes("range=7d") && page.url().includes("sort=name"), "the window keeps the order");
    check((await order(page)).join() === "Charge,Resize,Zip", "same types over the week");

    await b.phone();
    await noOverflow(page, "job types 390");
    await b.shot("jobtypes-phone");
    await b.desktop();

    await Promise.all([
      page.waitForNavigation(),
      page.click('tr[data-jobtype="Charge"] a:text("Dead")'),
    ]);
    check(page.url().endsWith("/dead?type=Charge"), "Charge links to its dead jobs", { url: page.url() });
    const dead = await page.$$eval("tbody tr", (rows) => rows.length);
    check(dead === 2, "both dead Charge jobs are listed", { dead });
    await b.shot("charge-dead");
    return { byProcessed, byFailed, byName, seen };
  })
);
