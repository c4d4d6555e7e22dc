"use strict";
// One job at a time: on a queue's page, Delete one job (confirming) and "Run next" another; the Java
// side then fetches with a real client and must get the moved job first. Then the header's search
// box, typed into on other pages, finds a dead, an in-progress and a queued job by jid. Each page is
// checked for horizontal overflow at 1280 and 390 px. Steps: "moved" -> {}.
// Args: queue, jid to delete, jid to move, dead jid, in-progress jid, queued jid.
const { run, check } = require("./lib");
const { withBrowser, ask, done, text } = require("./browser");

/** No horizontal scrollbar on the page itself, at desktop and phone width; screenshots of both. */
async function fits(b, name) {
  for (const [size, shot] of [["desktop", name], ["phone", `${name}-phone`]]) {
    await b[size]();
    const overflow = await b.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth
    );
    check(overflow <= 0, `${name} fits at ${size} width`, { overflow });
    await b.shot(shot);
  }
  await b.desktop();
}

/** Types jid into the header's search box and waits for the result page. */
async function search(page, jid) {
  await page.fill("header .jid-search input[name=jid]", jid);
  await Promise.all([page.waitForNavigation(), page.press("header .jid-search input[name=jid]", "Enter")]);
  check((await text(page, "h1")) === `Job ${jid}`, "search page for the jid", { jid });
}

run(async ([queue, toDelete, toMove, dead, busy, queued]) =>
  withBrowser("jobs", async (b) => {
    const { page } = b;
    const row = (jid) => `tr[data-jid="${jid}"]`;
    await b.goto(`/queues/${queue}`);
    await fits(b, "queue");

    await Promise.all([page.waitForNavigation(), page.click(`${row(toDelete)} button:text("Delete")`)]);
    check(b.dialogs.some((m) => m.startsWith(`Delete job ${toDelete}`)), "delete asked to confirm", {
      dialogs: b.dialogs,
    });
    let flash = await text(page, ".flash");
    check(flash === `Job ${toDelete} deleted from ${queue}`, "flash after delete", { flash });
    check((await page.$(row(toDelete))) === null, "deleted job no longer listed");

    await Promise.all([page.waitForNavigation(), page.click(`${row(toMove)} button:text("Run next")`)]);
    flash = await text(page, ".flash");
    check(flash === `Job ${toMove} moved to the front of ${queue}`, "flash after run next", { flash });
    const first = await page.$eval("tbody tr", (tr) => tr.dataset.jid);
    check(first === toMove, "moved job listed first", { first });
    await b.shot("queue-after");
    await ask("moved", { queue, jid: toMove });

    await b.goto("/");
    await search(page, dead);
    check((await page.$('article.found[data-where="dead"]')) !== null, "dead job found");
    await fits(b, "search-dead");

    await b.goto("/busy");
    await search(page, busy);
    check((await page.$('article.found[data-where="working"]')) !== null, "in-progress job found");
    await b.shot("search-working");

    await b.goto("/retries");
    await search(page, queued);
    check((await page.$('article.found[data-where="queued"]')) !== null, "queued job found");
    check((await page.$('article.found button:text("Run next")')) !== null, "with its buttons");
    await b.shot("search-queued");
    done();
    return { queue };
  })
);
