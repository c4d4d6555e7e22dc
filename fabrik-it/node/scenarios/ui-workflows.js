"use strict";
// The Workflows page: held jobs with what each waits for; a workflow job's page with its
// dependencies and dependents and their states; the same at phone width. The Java side pushed
// root -> mid -> last and fetched root, so root is active and the other two are held.
// Args: root jid, mid jid, last jid.
const { run, check } = require("./lib");
const { withBrowser, done, text } = require("./browser");

run(async ([root, mid, last]) =>
  withBrowser("workflows", async (b) => {
    const { page } = b;
    await b.goto("/workflows");
    check((await text(page, "#held-count")) === "2", "two held jobs counted");
    const midRow = `tr[data-jid="${mid}"]`;
    const lastRow = `tr[data-jid="${last}"]`;
    check((await page.$(midRow)) !== null && (await page.$(lastRow)) !== null, "held jobs listed");
    const waits = await text(page, `${midRow} td:nth-child(3)`);
    check(waits.includes(root) && waits.includes("active"), "mid waits for the running root", { waits });
    await b.shot("held");

    await Promise.all([page.waitForNavigation(), page.click(`${midRow} a[href="/workflows/${mid}"]`)]);
    check((await text(page, "#job-state")) === "held", "mid is held");
    const deps = await text(page, "#dependencies");
    check(deps.includes(root) && deps.includes("active"), "dependency with state", { deps });
    const dependents = await text(page, "#dependents");
    check(dependents.includes(last) && dependents.includes("held"), "dependent with state", { dependents });
    await b.shot("job");

    await b.phone();
    await b.goto("/workflows");
    await b.shot("held-phone");
    await b.goto(`/workflows/${mid}`);
    await b.shot("job-phone");
    await b.desktop();
    done();
    return { root, mid, last };
  })
);
