"use strict";
// Failure triage: the Failures page groups the dead jobs by fingerprint (the biggest group first),
// at desktop and phone width without horizontal overflow; the biggest group's page lists only its
// jobs, and "Retry all" (confirmed) sends the whole group back to its queue; the Failures page then
// shows the one group left.
// Args: the expected size of the biggest group, the number of groups.
const { run, check } = require("./lib");
const { withBrowser, text } = require("./browser");

async function noOverflow(page, where) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  check(widths.scroll <= widths.client, `no horizontal overflow on ${where}`, widths);
}

run(async ([biggest, groups]) =>
  withBrowser("triage", async (b) => {
    const { page } = b;
    await b.goto("/failures");
    await page.waitForSelector("tr[data-fingerprint]");
    const rows = await page.$$("tr[data-fingerprint]");
    check(rows.length === Number(groups), "one row per group", { rows: rows.length });
    const count = await text(page, "tr[data-fingerprint] .group-count");
    check(count === biggest, "the biggest group comes first with its count", { count });
    const fingerprint = await page.$eval("tr[data-fingerprint]", (tr) => tr.dataset.fingerprint);
    await noOverflow(page, "failures at 1280 px");
    await b.shot("failures");
    await b.phone();
    await noOverflow(page, "failures at 390 px");
    await b.shot("failures-phone");
    await b.desktop();

    await Promise.all([page.waitForNavigation(), page.click("tr[data-fingerprint] .group-count")]);
    check(new URL(page.url()).searchParams.get("fp") === fingerprint, "group page filters by fingerprint");
    const members = await page.$$("tr[data-jid]");
    check(members.length === Number(biggest), "group page lists only the group's jobs", {
      members: members.length,
    });
    await noOverflow(page, "group page at 1280 px");
    await b.shot("group");
    await b.phone();
    await noOverflow(page, "group page at 390 px");
    await b.shot("group-phone");
    await b.desktop();

    await Promise.all([page.waitForNavigation(), page.click('button[name="all"][value="retry"]')]);
    check(b.dialogs.some((m) => m.startsWith("Retry now every matching job in dead")), "retry all asked to confirm", {
      dialogs: b.dialogs,
    });
    const flash = await text(page, ".flash");
    check(flash === `${biggest} jobs retried`, "flash after retrying the group", { flash });
    await b.shot("group-after-retry");

    await b.goto("/failures");
    const left = await page.$$eval("tr[data-fingerprint]", (trs) => trs.map((tr) => tr.dataset.fingerprint));
    check(left.length === Number(groups) - 1 && !left.includes(fingerprint), "the group is gone", { left });
    await b.shot("failures-after-retry");
    return { fingerprint, flash };
  })
);
