"use strict";
// The dashboard updates itself: open it, let the Java side push and work jobs, and wait (no
// reload) until the totals, the queue's size and the live graph show them. Then visit every page
// through the navigation, and the dashboard once more at phone size (390x844).
// Steps: "opened" -> Java answers {"processed":N,"failed":N,"queue":"mail","size":N}.
const { run } = require("./lib");
const { withBrowser, ask, done, waitForNumber } = require("./browser");

run(async () =>
  withBrowser("dashboard", async (b) => {
    const { page } = b;
    await b.goto("/");
    await b.shot("dashboard-empty");
    const expect = await ask("opened");
    done();

    await waitForNumber(page, '[data-stat="processed"]', expect.processed);
    await waitForNumber(page, '[data-stat="failed"]', expect.failed);
    await waitForNumber(page, `tr[data-queue="${expect.queue}"] [data-field="size"]`, expect.size);
    await waitForNumber(page, '[data-stat="sets.retries"]', 1);
    // The graph has a point with a positive rate once the sampler saw the work (1 s samples).
    await page.waitForFunction(
      () => Number(document.getElementById("live-graph").getAttribute("data-peak")) > 0,
      null,
      { timeout: 20000 }
    );
    const graphPeak = Number(await page.getAttribute("#live-graph", "data-peak"));
    await b.shot("dashboard");

    const visited = [];
    for (const [label, name] of [
      ["Queues", "queues"],
      ["Busy", "busy"],
      ["Retries", "retries"],
      ["Scheduled", "scheduled"],
      ["Dead", "dead"],
      ["Dashboard", "dashboard-again"],
    ]) {
      await Promise.all([page.waitForNavigation(), page.click(`header nav >> text="${label}"`)]);
      const current = await page.getAttribute('header nav a[aria-current="page"]', "href");
      visited.push(current);
      await b.shot(name);
    }

    await b.phone();
    await b.goto("/");
    await waitForNumber(page, '[data-stat="processed"]', expect.processed);
    await b.shot("dashboard-phone");
    return { graphPeak, visited };
  })
);
