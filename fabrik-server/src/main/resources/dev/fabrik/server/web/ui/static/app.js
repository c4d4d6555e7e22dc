// Fabrik web UI: the little the server-rendered pages cannot do alone. No framework, no build step.
//  - forms/buttons with data-confirm ask before they submit;
//  - a checkbox with data-select-all ticks every row checkbox of its form;
//  - the dashboard (#live) refreshes its numbers and draws the live graph from the JSON API;
//  - the Busy page (#busy) has an opt-in Live toggle that refreshes its tables from /api/busy.
// The pages' Content-Security-Policy allows only this file and fetches to this server: nothing
// here is inline, and rows are built with DOM calls and textContent (names are data).
"use strict";

(function () {
  // ---- confirmations: <form data-confirm="Remove queue x?"> or <button data-confirm=...> ----
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // ---- select all rows ----
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-select-all]")) {
      return;
    }
    var form = box.form || box.closest("form");
    if (!form) {
      return;
    }
    form.querySelectorAll("input[type=checkbox][name=key]").forEach(function (row) {
      row.checked = box.checked;
    });
  });

  // ---- shared: JSON from the API, and the server's formats ----
  // An absolute URL on this origin without the page's user:password. Opened as
  // http://:secret@host/, the page's own URL carries credentials, a relative URL resolves to one
  // that does too, and fetch() refuses such a request outright; location.host has no userinfo, and
  // the browser still sends the Basic credentials it learnt when it opened the page.
  function sameOrigin(path) {
    return window.location.protocol + "//" + window.location.host + path;
  }

  function getJson(path) {
    var url = sameOrigin(path);
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) {
          throw new Error(path + " -> " + response.status);
        }
        return response.json();
      }
    );
  }

  // The same formats the server renders with (Display.java), so a refresh changes no layout.
  function duration(ms) {
    ms = Math.abs(Math.round(ms));
    if (ms < 1000) {
      return ms + "ms";
    }
    var s = Math.floor(ms / 1000);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return Math.floor(s / 60) + "m " + (s % 60) + "s";
    }
    if (s < 86400) {
      return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
    }
    return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
  }

  function bytes(n) {
    if (n < 1024) {
      return n + " B";
    }
    var units = ["KiB", "MiB", "GiB", "TiB"];
    var i = -1;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return n.toFixed(1) + " " + units[i];
  }

  var formats = {
    number: function (v) {
      return Number(v).toLocaleString("en-US");
    },
    duration: function (v) {
      return duration(Number(v) * 1000);
    },
    bytes: function (v) {
      return bytes(Number(v));
    },
    time: function (v) {
      // 2026-11-23T00:29:24.123456789Z -> 2026-11-23 00:29:24 UTC
      return String(v).replace("T", " ").substring(0, 19) + " UTC";
    },
  };

  // A <td> showing text; data-field names it for tests and scripts.
  function cell(className, field, text) {
    var td = document.createElement("td");
    if (className) {
      td.className = className;
    }
    td.setAttribute("data-field", field);
    td.textContent = text;
    return td;
  }

  // ---- dashboard ----
  function dashboard(live) {
    var canvas = document.getElementById("live-graph");
    var historyUrl = live.getAttribute("data-history-url");
    var statsUrl = live.getAttribute("data-stats-url");
    var pollMs = Number(live.getAttribute("data-poll-ms") || 2000);
    var points = []; // [{t: epoch ms, processed: per second, failed: per second}]
    var maxPoints = 300; // five minutes of the server's one-second samples

    // Every element with data-stat="path.to.value" shows that value of the overview document.
    function showStats(doc) {
      live.querySelectorAll("[data-stat]").forEach(function (el) {
        var value = doc;
        el.getAttribute("data-stat").split(".").forEach(function (key) {
          value = value == null ? undefined : value[key];
        });
        if (value !== undefined && value !== null) {
          el.textContent = formats[el.getAttribute("data-format") || "number"](value);
        }
      });
      if (Array.isArray(doc.queues)) {
        showQueues(doc.queues);
      }
      live.setAttribute("data-updated", String(Date.now()));
    }

    // Rebuilds the dashboard's queue table with DOM calls (textContent: queue names are data).
    function showQueues(queues) {
      var body = document.getElementById("queue-rows");
      var none = document.getElementById("no-queues");
      if (!body) {
        return;
      }
      var rows = document.createDocumentFragment();
      queues.forEach(function (q) {
        var tr = document.createElement("tr");
        tr.setAttribute("data-queue", q.name);
        var name = document.createElement("td");
        var link = document.createElement("a");
        link.href = "/queues/" + encodeURIComponent(q.name);
        link.textContent = q.name;
        name.appendChild(link);
        tr.appendChild(name);
        tr.appendChild(cell("num", "size", formats.number(q.size)));
        tr.appendChild(cell("num", "latency", q.latency_seconds > 0 ? duration(q.latency_seconds * 1000) : "0s"));
        var state = cell("", "state", "");
        var badge = document.createElement("span");
        badge.className = q.paused ? "badge badge-warn" : "badge badge-ok";
        badge.textContent = q.paused ? "paused" : "active";
        state.appendChild(badge);
        tr.appendChild(state);
        rows.appendChild(tr);
      });
      body.replaceChildren(rows);
      if (none) {
        none.hidden = queues.length > 0;
      }
    }

    function addSamples(samples) {
      samples.forEach(function (s) {
        var t = Date.parse(s.at);
        if (isNaN(t) || (points.length && t <= points[points.length - 1].t)) {
          return;
        }
        points.push({
          t: t,
          processed: Number(s.processed_per_second || 0),
          failed: Number(s.failed_per_second || 0),
        });
      });
      if (points.length > maxPoints) {
        points = points.slice(points.length - maxPoints);
      }
      draw();
    }

    // The theme's colours (app.css, light or dark), so the canvas follows the page.
    function colour(name, fallback) {
      var value = window.getComputedStyle(document.documentElement).getPropertyValue(name).trim();
      return value || fallback;
    }

    // The axis top: four steps of 1, 2 or 5 times a power of ten, so every label is round.
    function niceMax(v) {
      var step = Math.max(v / 4, 1);
      var p = Math.pow(10, Math.floor(Math.log10(step)));
      var m = step / p;
      var nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
      return 4 * nice * p;
    }

    function draw() {
      if (!canvas) {
        return;
      }
      var ratio = window.devicePixelRatio || 1;
      var width = canvas.clientWidth;
      var height = canvas.clientHeight;
      if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
      }
      var g = canvas.getContext("2d");
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      g.clearRect(0, 0, width, height);
      var left = 44;
      var right = 8;
      var top = 8;
      var bottom = 22;
      var plotW = Math.max(10, width - left - right);
      var plotH = Math.max(10, height - top - bottom);
      var peak = 0;
      points.forEach(function (p) {
        peak = Math.max(peak, p.processed, p.failed);
      });
      var yMax = niceMax(peak);

      g.font = "12px system-ui, sans-serif";
      g.fillStyle = colour("--muted", "#566173");
      g.strokeStyle = colour("--graph-grid", "#e3e7ed");
      g.lineWidth = 1;
      g.textAlign = "right";
      g.textBaseline = "middle";
      for (var i = 0; i <= 4; i++) {
        var y = top + plotH - (plotH * i) / 4;
        g.beginPath();
        g.moveTo(left, Math.round(y) + 0.5);
        g.lineTo(left + plotW, Math.round(y) + 0.5);
        g.stroke();
        var label = (yMax * i) / 4;
        g.fillText(label % 1 === 0 ? String(label) : label.toFixed(1), left - 6, y);
      }
      g.textAlign = "left";
      g.textBaseline = "alphabetic";

      var now = points.length ? points[points.length - 1].t : Date.now();
      // The last five minutes; a server that has run less shows what it has (at least a minute), so
      // a fresh dashboard is not a flat line with a spike squeezed against the right edge.
      var history = points.length ? now - points[0].t : 0;
      var span = Math.min((maxPoints - 1) * 1000, Math.max(60000, history));
      g.fillText(
        "jobs per second, last " +
          (span >= 120000 ? Math.round(span / 60000) + " minutes" : Math.round(span / 1000) + " seconds"),
        left,
        height - 4
      );
      function x(t) {
        return left + plotW - ((now - t) / span) * plotW;
      }
      // One series: a line, with the area under it lightly filled so short bursts stay visible.
      function line(key, colour, fill) {
        var shown = points.filter(function (p) {
          return now - p.t <= span;
        });
        if (!shown.length) {
          return;
        }
        function y(p) {
          return top + plotH - (Math.min(p[key], yMax) / yMax) * plotH;
        }
        g.beginPath();
        shown.forEach(function (p, i) {
          if (i === 0) {
            g.moveTo(x(p.t), y(p));
          } else {
            g.lineTo(x(p.t), y(p));
          }
        });
        g.strokeStyle = colour;
        g.lineWidth = 2;
        g.lineJoin = "round";
        g.stroke();
        g.lineTo(x(shown[shown.length - 1].t), top + plotH);
        g.lineTo(x(shown[0].t), top + plotH);
        g.closePath();
        g.fillStyle = fill;
        g.fill();
      }
      line("processed", colour("--ok", "#1b7a3d"), colour("--graph-processed-fill", "rgba(27, 122, 61, 0.12)"));
      line("failed", colour("--bad", "#b42318"), colour("--graph-failed-fill", "rgba(180, 35, 24, 0.12)"));
      canvas.setAttribute("data-points", String(points.length));
      canvas.setAttribute("data-peak", String(peak));
    }

    function poll() {
      var work = [];
      if (statsUrl) {
        work.push(getJson(statsUrl).then(showStats));
      }
      if (historyUrl) {
        work.push(
          getJson(historyUrl).then(function (doc) {
            addSamples(doc.points || []);
          })
        );
      }
      var status = document.getElementById("live-status");
      Promise.all(work)
        .then(function () {
          live.removeAttribute("data-error");
          if (status) {
            status.textContent = "";
          }
        })
        .catch(function (error) {
          live.setAttribute("data-error", String(error));
          if (status) {
            status.textContent = "Live update failed; retrying";
          }
        })
        .then(function () {
          window.setTimeout(poll, pollMs);
        });
    }

    window.addEventListener("resize", draw);
    if (window.matchMedia) {
      var scheme = window.matchMedia("(prefers-color-scheme: dark)");
      if (scheme.addEventListener) {
        scheme.addEventListener("change", draw);
      }
    }
    draw();
    poll();
  }

  // ---- Busy page: the Live toggle ----
  // Off by default; when on, the tables are rebuilt from /api/busy every few seconds (no page
  // reload, so a half-typed confirm or the scroll position survive). The choice is kept in
  // localStorage, so it survives the reload a Quiet or Terminate form causes.
  var LIVE_KEY = "fabrik.busy.live";

  function remembered() {
    try {
      return window.localStorage.getItem(LIVE_KEY) === "on";
    } catch (e) {
      return false; // storage disabled: live stays opt-in per visit
    }
  }

  function remember(on) {
    try {
      if (on) {
        window.localStorage.setItem(LIVE_KEY, "on");
      } else {
        window.localStorage.removeItem(LIVE_KEY);
      }
    } catch (e) {
      // storage disabled: nothing to keep
    }
  }

  // Display.relative: "5m 2s ago" or "in 3m 0s", against the server's clock; a week or more away,
  // the date: "2099-01-01 12:00 UTC".
  var RELATIVE_SPAN_MS = 7 * 86400 * 1000;

  function relative(wire, now) {
    if (!wire) {
      return "–";
    }
    var d = Date.parse(wire) - now;
    if (Math.abs(d) >= RELATIVE_SPAN_MS) {
      return new Date(Date.parse(wire)).toISOString().replace("T", " ").substring(0, 16) + " UTC";
    }
    return d < 0 ? duration(d) + " ago" : "in " + duration(d);
  }

  // Display.load: "3 of 20", "3", "? of 20" or "–" (what the worker's BEAT reported).
  function load(busy, concurrency) {
    var b = typeof busy === "number" ? String(busy) : null;
    if (typeof concurrency !== "number") {
      return b === null ? "–" : b;
    }
    return (b === null ? "?" : b) + " of " + concurrency;
  }

  function time(wire) {
    return wire ? formats.time(wire) : "–";
  }

  function busyLive(root) {
    var url = root.getAttribute("data-busy-url");
    var pollMs = Number(root.getAttribute("data-poll-ms") || 3000);
    var csrf = root.getAttribute("data-csrf") || "";
    var toggle = document.getElementById("live-toggle");
    var status = document.getElementById("live-status");
    var timer = null;
    var inFlight = false;
    var refreshes = 0;

    function show(id, visible) {
      var el = document.getElementById(id);
      if (el) {
        el.hidden = !visible;
      }
    }

    function count(name, value) {
      root.querySelectorAll('[data-count="' + name + '"]').forEach(function (el) {
        el.textContent = value;
      });
    }

    // A form like the page's own: POST to /busy/{wid}/{signal} with the CSRF token.
    function signalForm(w, signal, label, className, disabled, confirm) {
      var form = document.createElement("form");
      form.className = "inline";
      form.method = "post";
      form.action = "/busy/" + encodeURIComponent(w.wid) + "/" + signal;
      if (confirm) {
        form.setAttribute("data-confirm", confirm);
      }
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf";
      token.value = csrf;
      form.appendChild(token);
      var button = document.createElement("button");
      button.className = "small " + className;
      button.type = "submit";
      button.disabled = disabled;
      button.textContent = label;
      form.appendChild(button);
      return form;
    }

    function workerRow(w, now) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-wid", w.wid);
      tr.appendChild(cell("mono", "wid", w.wid));
      tr.appendChild(cell("", "hostname", w.hostname || ""));
      tr.appendChild(cell("num", "pid", String(w.pid)));
      var labels = cell("", "labels", "");
      (w.labels || []).forEach(function (label) {
        var badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = label;
        labels.appendChild(badge);
        labels.appendChild(document.createTextNode(" "));
      });
      tr.appendChild(labels);
      var state = cell("", "state", "");
      var badge = document.createElement("span");
      badge.className =
        "badge " + (w.state === "running" ? "badge-ok" : w.state === "quiet" ? "badge-warn" : "badge-bad");
      badge.textContent = w.state;
      state.appendChild(badge);
      tr.appendChild(state);
      var started = cell("", "started", relative(w.started_at, now));
      started.title = time(w.started_at);
      tr.appendChild(started);
      var beat = cell("", "last-beat", relative(w.last_beat, now));
      beat.title = time(w.last_beat);
      tr.appendChild(beat);
      tr.appendChild(cell("num", "rss", bytes(Number(w.rss_kb) * 1024)));
      tr.appendChild(cell("num", "jobs", String(w.jobs_in_flight)));
      tr.appendChild(cell("num", "load", load(w.busy, w.concurrency)));
      var actions = document.createElement("div");
      actions.className = "actions";
      actions.appendChild(signalForm(w, "quiet", "Quiet", "secondary", w.state !== "running", null));
      actions.appendChild(
        signalForm(
          w,
          "terminate",
          "Terminate",
          "danger",
          w.state === "terminate",
          "Terminate worker " + w.wid + " on " + w.hostname + "?"
        )
      );
      var td = document.createElement("td");
      td.appendChild(actions);
      tr.appendChild(td);
      return tr;
    }

    function jobRow(j) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-jid", j.jid);
      tr.appendChild(cell("mono", "jid", j.jid));
      tr.appendChild(cell("", "jobtype", j.jobtype || ""));
      var queue = cell("", "queue", "");
      var link = document.createElement("a");
      link.href = "/queues/" + encodeURIComponent(j.queue);
      link.textContent = j.queue;
      queue.appendChild(link);
      tr.appendChild(queue);
      var worker = cell("", "worker", "");
      var wid = document.createElement("span");
      wid.className = "mono";
      wid.textContent = j.wid || "";
      worker.appendChild(wid);
      if (j.worker_gone) {
        tr.className = "worker-gone";
        var gone = document.createElement("span");
        gone.className = "badge badge-bad";
        gone.textContent = "worker gone";
        worker.appendChild(document.createTextNode(" "));
        worker.appendChild(gone);
      }
      tr.appendChild(worker);
      tr.appendChild(cell("", "started", time(j.started_at)));
      tr.appendChild(cell("num", "running", duration(Number(j.running_seconds) * 1000)));
      tr.appendChild(cell("", "expires", time(j.expires_at)));
      tr.appendChild(progressCell(j.progress));
      return tr;
    }

    // A tracked job's progress (TRACK SET): a <progress> bar (no inline style under the CSP) and
    // "40% resizing" beside it; empty for an untracked job.
    function progressCell(p) {
      var td = cell("", "progress", "");
      if (!p) {
        return td;
      }
      var box = document.createElement("div");
      box.className = "progress";
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = typeof p.percent === "number" ? p.percent : 0;
      var label = document.createElement("span");
      label.className = "progress-label";
      var parts = [];
      if (typeof p.percent === "number") {
        parts.push(p.percent + "%");
      }
      if (p.desc) {
        parts.push(p.desc);
      }
      label.textContent = parts.length ? parts.join(" ") : p.state;
      box.appendChild(bar);
      box.appendChild(label);
      td.appendChild(box);
      return td;
    }

    function render(doc) {
      var now = Date.parse(doc.now);
      var workers = doc.processes || [];
      var jobs = doc.jobs || [];
      var rows = document.createDocumentFragment();
      workers.forEach(function (w) {
        rows.appendChild(workerRow(w, now));
      });
      document.getElementById("worker-rows").replaceChildren(rows);
      count("processes", String(workers.length));
      show("no-workers", workers.length === 0);
      show("workers-table", workers.length > 0);
      show("all-workers", workers.length > 0);

      rows = document.createDocumentFragment();
      jobs.forEach(function (j) {
        rows.appendChild(jobRow(j));
      });
      document.getElementById("job-rows").replaceChildren(rows);
      count("working", formats.number(doc.working));
      count("listed", String(jobs.length));
      show("no-jobs", jobs.length === 0);
      show("jobs-table", jobs.length > 0);
      show("jobs-capped", doc.working > jobs.length);

      labelCells(root);
      refreshes++;
      root.setAttribute("data-refreshes", String(refreshes));
      root.removeAttribute("data-error");
      status.textContent = "Updated " + time(doc.now).substring(11);
    }

    function poll() {
      timer = null;
      if (!toggle.checked || inFlight) {
        return; // one loop only: a request still out reschedules when it ends
      }
      inFlight = true;
      // A tab in the background asks nothing; it catches up when shown again.
      var work = document.hidden ? Promise.resolve() : getJson(url).then(render);
      work
        .catch(function (error) {
          root.setAttribute("data-error", String(error));
          status.textContent = "Live update failed; retrying";
        })
        .then(function () {
          inFlight = false;
          if (toggle.checked && timer === null) {
            timer = window.setTimeout(poll, pollMs);
          }
        });
    }

    function switched() {
      remember(toggle.checked);
      if (timer !== null) {
        window.clearTimeout(timer);
        timer = null;
      }
      if (toggle.checked) {
        poll();
      } else {
        status.textContent = "";
      }
    }

    toggle.checked = remembered();
    toggle.addEventListener("change", switched);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && toggle.checked && timer !== null) {
        window.clearTimeout(timer);
        poll();
      }
    });
    show("live-tools", true);
    if (toggle.checked) {
      poll();
    }
  }

  // ---- phones: wide tables as cards ----
  // A table of more than four columns gets class "cards", and each cell the heading of its column
  // as data-label; app.css shows them as one card per row on a narrow screen. Rows rebuilt by a
  // live refresh call this again.
  function labelCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (heads.length <= 4) {
        return;
      }
      table.classList.add("cards");
      var labels = Array.prototype.map.call(heads, function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (labels[i] && !td.hasAttribute("data-label")) {
            td.setAttribute("data-label", labels[i]);
          }
        });
      });
    });
  }
  labelCells(document);

  var live = document.getElementById("live");
  if (live) {
    dashboard(live);
  }
  var busy = document.getElementById("busy");
  if (busy) {
    busyLive(busy);
  }
})();
