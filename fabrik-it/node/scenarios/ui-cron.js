"use strict";
// The Cron page: an entry with its schedule in words and next fire times; "Run now" pushes its job
// (the Java side fetches it by the jid the flash names), then Pause marks it paused.
// Steps: "ran" {jid} -> {}. Args: entry id.
const { run, check } = require("./lib");
const { withBrowser, ask, done, text } = require("./browser");

run(async ([id]) =>
  withBrowser("cron", async (b) => {
    const { page } = b;
    const row = `tr[data-cron="${id}"]`;
    await b.goto("/cron");
    check((await page.$(row)) !== null, "entry listed", { id });
    const words = await text(page, `${row} .cron-words`);
    check(words.includes("02:30"), "schedule in words", { words });
    const next = await page.$$(`${row} .cron-next div`);
    check(next.length === 3, "three next fire times", { count: next.length });
    check((await text(page, `${row} .cron-last`)) === "never", "never fired yet");
    await b.shot("cron");

    await Promise.all([page.waitForNavigation(), page.click(`${row} button:text("Run now")`)]);
    const flash = await text(page, ".flash");
    const match = /^Cron (\S+) pushed job (\S+)$/.exec(flash);
    check(match !== null && match[1] === id, "flash after run now", { flash });
    const jid = match[2];
    check((await text(page, `${row} .cron-last`)).includes(jid), "last job shown", { jid });
    await b.shot("cron-ran");
    await ask("ran", { jid });

    await Promise.all([page.waitForNavigation(), page.click(`${row} button:text("Pause")`)]);
    check((await text(page, ".flash")) === `Cron ${id} paused`, "flash after pause");
    check((await text(page, `${row} .badge`)) === "paused", "entry shows paused");
    check((await page.$(`${row} button:text("Resume")`)) !== null, "resume offered");
    await b.shot("cron-paused");
    done();
    return { id, jid };
  })
);
