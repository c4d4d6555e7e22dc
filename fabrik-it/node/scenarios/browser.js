"use strict";
// Plumbing for the web UI scenarios (ui-*.js): a real headless Chromium (Debian's, driven by
// playwright-core; `npx playwright install` cannot download browsers here), screenshots, and a
// line-based conversation with the Java test on stdin/stdout.
//
// Environment (set by BrowserIT): FABRIK_WEB_URL (http://127.0.0.1:<port>), SCREENSHOT_DIR,
// CHROMIUM (default /usr/bin/chromium). Output follows lib.js: JSON lines, "ok" at the end.

const fs = require("fs");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { chromium } = require("playwright-core");
const { emit } = require("./lib");

// Without the background-networking flags Chromium's start-up calls fail slowly on a closed
// network; --no-sandbox because CI runs as root.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

function webUrl(pathname = "/") {
  const base = process.env.FABRIK_WEB_URL;
  if (!base) {
    throw new Error("FABRIK_WEB_URL is not set");
  }
  return base + pathname;
}

/**
 * Runs body(session) with a fresh browser (its own empty profile dir) and always closes it.
 * session: { page, shot(name), goto(path), phone(), desktop(), dialogs: [messages accepted] }.
 */
async function withBrowser(scenario, body) {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (dev/test does)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "fabrik-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(15000);
    const dialogs = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      dialog.accept();
    });
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    const session = {
      page,
      dialogs,
      errors,
      async goto(pathname) {
        const response = await page.goto(webUrl(pathname));
        if (!response || response.status() !== 200) {
          throw new Error(`GET ${pathname} -> ${response && response.status()}`);
        }
        return response;
      },
      async shot(name) {
        const dir = process.env.SCREENSHOT_DIR || path.join(process.cwd(), "screenshots");
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${scenario}-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        emit("screenshot", { file });
      },
      async phone() {
        await page.setViewportSize(PHONE);
      },
      async desktop() {
        await page.setViewportSize(DESKTOP);
      },
    };
    const result = await body(session);
    if (errors.length) {
      throw new Error("script errors in the page: " + errors.join("; "));
    }
    return result;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// ---- the conversation with the Java side: emit a step, wait for its answer line on stdin ----
const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
const received = [];
lines.on("line", (line) => {
  const value = line.trim() ? JSON.parse(line) : {};
  const next = waiting.shift();
  if (next) {
    next(value);
  } else {
    received.push(value);
  }
});

/** Emits {"event":step,...fields} and resolves with the JSON line the Java side answers. */
function ask(step, fields = {}) {
  emit(step, fields);
  if (received.length) {
    return Promise.resolve(received.shift());
  }
  return new Promise((resolve) => waiting.push(resolve));
}

/** Stops reading stdin so the process may end. */
function done() {
  lines.close();
  process.stdin.destroy();
}

/** The text of the first element matching selector, trimmed ("" when absent). */
async function text(page, selector) {
  const el = await page.$(selector);
  return el ? (await el.textContent()).trim() : "";
}

/** Waits until the element's text, digits only, equals the number. */
async function waitForNumber(page, selector, expected) {
  await page.waitForFunction(
    ([sel, want]) => {
      const el = document.querySelector(sel);
      return el && Number(el.textContent.replace(/[^0-9]/g, "")) === want;
    },
    [selector, expected]
  );
}

module.exports = { withBrowser, ask, done, text, waitForNumber, webUrl, PHONE, DESKTOP };
