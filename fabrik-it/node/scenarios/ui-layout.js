"use strict";
// Every page fits the screen: each path of the list (argument 1, JSON [{"name","path"}]) is opened
// at 1280x900 and at 390x844, and those marked "dark" also in the dark colour scheme at 1280, with
// a screenshot of each.
// A page fails when the document scrolls sideways, when a box inside it (a table's wrapper, a
// code block) hides content behind a sideways scrollbar, or when a table cell lies outside the
// window; an Error column must keep at least 240 px at 1280. Every offence of every page is
// collected first, so one run names them all.
const { run, check } = require("./lib");
const { withBrowser, done } = require("./browser");

const SIZES = [
  { label: "1280", viewport: { width: 1280, height: 900 }, minErrorWidth: 240 },
  { label: "390", viewport: { width: 390, height: 844 }, minErrorWidth: 0 },
];

// Runs in the page: what does not fit, as short sentences ([] when all fits).
function offences(minErrorWidth) {
  const found = [];
  const width = window.innerWidth;
  const doc = document.documentElement;
  if (doc.scrollWidth > width) {
    found.push(`the page is ${doc.scrollWidth}px wide in a ${width}px window`);
  }
  const describe = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "";
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").substring(0, 40);
    return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
  };
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el)) {
      continue;
    }
    const style = getComputedStyle(el);
    const scrolls = style.overflowX === "auto" || style.overflowX === "scroll" || style.overflowX === "hidden";
    if (scrolls && el.scrollWidth > el.clientWidth + 1 && !el.matches("canvas, input, select, textarea")) {
      found.push(`${describe(el)} hides ${el.scrollWidth - el.clientWidth}px sideways`);
    }
  }
  for (const cell of document.querySelectorAll("td, th")) {
    if (!visible(cell)) {
      continue;
    }
    const r = cell.getBoundingClientRect();
    if (r.right > width + 1 || r.left < -1) {
      found.push(`${describe(cell)} lies outside the window (${Math.round(r.left)}..${Math.round(r.right)})`);
    }
  }
  for (const cell of document.querySelectorAll("td.error")) {
    if (visible(cell) && cell.getBoundingClientRect().width < minErrorWidth) {
      found.push(`${describe(cell)} is only ${Math.round(cell.getBoundingClientRect().width)}px wide`);
    }
  }
  return found;
}

run(async ([pagesJson]) =>
  withBrowser("layout", async (b) => {
    const { page } = b;
    const pages = JSON.parse(pagesJson);
    const failures = [];
    for (const size of SIZES) {
      await page.setViewportSize(size.viewport);
      for (const p of pages) {
        await b.goto(p.path);
        for (const found of await page.evaluate(offences, size.minErrorWidth)) {
          failures.push(`${p.name} at ${size.label}px: ${found}`);
        }
        await b.shot(`${p.name}-${size.label}`);
      }
    }
    // The dark theme follows the system's preference; its background must really be dark.
    await page.setViewportSize(SIZES[0].viewport);
    await page.emulateMedia({ colorScheme: "dark" });
    for (const p of pages.filter((p) => p.dark)) {
      await b.goto(p.path);
      const luminance = await page.evaluate(() => {
        const rgb = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
        return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
      });
      if (luminance > 0.3) {
        failures.push(`${p.name} in the dark scheme has a light background (${luminance.toFixed(2)})`);
      }
      for (const found of await page.evaluate(offences, SIZES[0].minErrorWidth)) {
        failures.push(`${p.name} dark at 1280px: ${found}`);
      }
      await b.shot(`${p.name}-dark`);
    }
    done();
    check(failures.length === 0, `${failures.length} layout faults:\n  ${failures.join("\n  ")}`, {
      failures,
    });
    return { pages: pages.length };
  })
);
