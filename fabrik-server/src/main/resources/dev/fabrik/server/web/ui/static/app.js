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
  var maxPoints = 150;

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

  // Every element with data-stat="path.to.value" shows that value of the stats document.
  function showStats(doc) {
    live.querySelectorAll("[data-stat]").forEach(function (el) {
      var value = doc;
      el.getAttribute("data-stat").split(".").forEach(function (key) {
        value = value == null ? undefined : value[key];
      });
      if (value !== undefined && value !== null) {
        el.textContent = typeof value === "number" ? value.toLocaleString("en-US") : String(value);
      }
    });
    live.setAttribute("data-updated", String(Date.now()));
  }

  function addSamples(samples) {
    samples.forEach(function (s) {
      var t = Date.parse(s.at || s.time || s.t);
      if (isNaN(t)) {
        t = Number(s.epoch_ms || s.t || 0);
      }
      if (points.length && t <= points[points.length - 1].t) {
        return;
      }
      points.push({ t: t, processed: Number(s.processed || 0), failed: Number(s.failed || 0) });
    });
    if (points.length > maxPoints) {
      points = points.slice(points.length - maxPoints);
    }
    draw();
  }

  function niceMax(v) {
    if (v <= 5) {
      return 5;
    }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * p >= v) {
        return steps[i] * p;
      }
    }
    return 10 * p;
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
    g.fillText("jobs/s, last " + Math.round(((maxPoints - 1) * pollMs) / 60000) + " min", left, height - 4);

    var now = points.length ? points[points.length - 1].t : Date.now();
    var span = (maxPoints - 1) * pollMs;
    function x(t) {
      return left + plotW - ((now - t) / span) * plotW;
    }
    function line(key, colour) {
      g.strokeStyle = colour;
      g.lineWidth = 2;
      g.beginPath();
      var started = false;
      points.forEach(function (p) {
        if (now - p.t > span) {
          return;
        }
        var px = x(p.t);
        var py = top + plotH - (Math.min(p[key], yMax) / yMax) * plotH;
        if (started) {
          g.lineTo(px, py);
        } else {
          g.moveTo(px, py);
          started = true;
        }
      });
      g.stroke();
    }
    line("processed", "#1b7a3d");
    line("failed", "#b42318");
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
          addSamples(doc.samples || doc);
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
