"use strict";
// The Limits page: a queue limit with both of its slots taken (bar at 2 of 2) and a per-customer
// rate limit set through the API; Remove takes the rate limit away (POST-redirect-GET). Desktop and
// phone size. Args: queue limit id, rate limit id.
const { run, check } = require("./lib");
const { withBrowser, done, text } = require("./browser");

run(async ([queueLimit, rateLimit]) =>
  withBrowser("limits", async (b) => {
    const { page } = b;
    const queueRow = `tr[data-limit="${queueLimit}"]`;
    const rateRow = `tr[data-limit="${rateLimit}"]`;
    await b.goto("/limits");
    await page.waitForSelector(`${queueRow} progress`);
    const bar = await page.$eval(`${queueRow} progress`, (p) => [p.value, p.max]);
    check(bar[0] === 2 && bar[1] === 2, "the bar shows both slots taken", { bar });
    const label = await text(page, `${queueRow} .progress-label`);
    check(label === "2 of 2", "the label counts slots", { label });
    const rate = await text(page, `${rateRow}`);
    check(rate.includes("10 per 60 s") && rate.includes("args.0"), "the rate and its key", { rate });
    await b.shot("limits");
    await b.phone();
    await b.shot("limits-phone");
    await b.desktop();

    await Promise.all([page.waitForNavigation(), page.click(`${rateRow} button:text("Remove")`)]);
    check((await page.$(rateRow)) === null, "the removed limit is gone");
    check((await page.$(queueRow)) !== null, "the other limit stays");
    await b.shot("limits-removed");
    done();
    return { queueLimit, rateLimit };
  })
);
