// Fabrik web UI: the little the server-rendered pages cannot do alone. No framework, no build step.
//  - forms/buttons with data-confirm ask before they submit;
//  - a checkbox with data-select-all ticks every row checkbox of its form;
//  - the dashboard (#live) refreshes its numbers and draws the live graph from the JSON API.
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

  // ---- dashboard ----
  var live = document.getElementById("live");
  if (!live) {
    return;
  }
  var canvas = document.getElementById("live-graph");
  var historyUrl = live.getAttribute("data-history-url");
  var statsUrl = live.getAttribute("data-stats-url");
  var pollMs = Number(live.getAttribute("data-poll-ms") || 2000);
  var points = []; // [{t: epoch ms, processed: per second, failed: per second}]
  var maxPoints = 300; // five minutes of the server's one-second samples

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) {
          throw new Error(url + " -> " + response.status);
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

  function cell(className, field, text) {
    var td = document.createElement("td");
    if (className) {
      td.className = className;
    }
    td.setAttribute("data-field", field);
    td.textContent = text;
    return td;
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
    g.fillStyle = "#566173";
    g.strokeStyle = "#e3e7ed";
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
    line("processed", "#1b7a3d", "rgba(27, 122, 61, 0.12)");
    line("failed", "#b42318", "rgba(180, 35, 24, 0.12)");
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
    Promise.all(work)
      .catch(function (error) {
        live.setAttribute("data-error", String(error));
      })
      .then(function () {
        window.setTimeout(poll, pollMs);
      });
  }

  window.addEventListener("resize", draw);
  draw();
  poll();
})();
