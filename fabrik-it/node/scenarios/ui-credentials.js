"use strict";
// The dashboard opened as http://:password@host/ (FABRIK_WEB_URL carries the credentials): the
// browser refuses fetch() to any URL with credentials in it, which a relative URL on such a page
// is, so the live graph must build its requests without them. Passes when the graph has drawn the
// work the Java side did before (a positive peak) and no live update failed.
const { run, check } = require("./lib");
const { withBrowser, done, text } = require("./browser");

run(async () =>
  withBrowser("credentials", async (b) => {
    const { page } = b;
    done();
    await b.goto("/");
    check(page.url().includes("@"), "the page was opened with credentials in its URL", {
      url: page.url().replace(/:[^:@/]*@/, ":***@"),
    });
    await page.waitForFunction(
      () => Number(document.getElementById("live-graph").getAttribute("data-peak")) > 0,
      null,
      { timeout: 20000 }
    );
    const points = Number(await page.getAttribute("#live-graph", "data-points"));
    const error = await page.getAttribute("#live", "data-error");
    const status = await text(page, "#live-status");
    check(points > 0, "the graph has points", { points });
    check(error === null && status === "", "no live update failed", { error, status });
    await b.shot("dashboard");
    return { points };
  })
);
