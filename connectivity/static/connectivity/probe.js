/* Connection test: fetch each probe endpoint with a timeout and show reachable/blocked per port.
   Browsers cannot open raw TCP, so the probe service answers HTTP on the ports under test. */
(function () {
  "use strict";
  var root = document.getElementById("connectivity-test");
  if (!root || !window.fetch || !window.AbortController) { return; }

  var text = root.dataset;
  var timeoutMs = parseInt(text.timeoutMs, 10) || 3000;
  var summary = document.getElementById("probe-summary");
  var rerun = document.getElementById("probe-rerun");
  var remedy = document.getElementById("probe-remedy");
  var blockedList = document.getElementById("probe-blocked-list");
  var items = Array.prototype.slice.call(root.querySelectorAll("[data-probe-url]"));
  var running = false;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function now() { return (window.performance && performance.now) ? performance.now() : Date.now(); }

  function probe(url) {
    var controller = new AbortController();
    var timedOut = false;
    var timer = setTimeout(function () { timedOut = true; controller.abort(); }, timeoutMs);
    var started = now();
    var separator = url.indexOf("?") === -1 ? "?" : "&";
    return fetch(url + separator + "t=" + Date.now(), {
      mode: "cors", cache: "no-store", credentials: "omit", redirect: "error", signal: controller.signal
    }).then(function (response) {
      var ms = Math.max(0, Math.round(now() - started));
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json().then(function (data) {
        if (!data || data.ok !== true) { throw new Error("unexpected answer"); }
        return { ok: true, ms: ms };
      });
    }).catch(function () {
      return { ok: false, timedOut: timedOut };
    }).then(function (result) {
      clearTimeout(timer);
      return result;
    });
  }

  function setStatus(item, state, label, detail, withLink) {
    var status = item.querySelector(".probe-status");
    status.dataset.state = state;
    status.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = label;
    status.appendChild(strong);
    if (detail) { status.appendChild(document.createTextNode(" · " + detail)); }
    if (withLink) {
      status.appendChild(document.createTextNode(" · "));
      var link = document.createElement("a");
      link.href = "#probe-remedy";
      link.textContent = text.textWhatToDo;
      status.appendChild(link);
    }
    item.dataset.state = state;
  }

  function show(item, result) {
    var isPort = item.dataset.kind === "port";
    if (result.ok) {
      setStatus(item, "reachable", text.textReachable, format(text.textMs, { ms: result.ms }), false);
    } else if (isPort) {
      setStatus(item, "blocked", text.textBlocked,
        result.timedOut ? text.textTimeout : text.textNoConnection, true);
    } else {
      setStatus(item, "blocked", text.textUnreachable, text.textPortalAdvice, false);
    }
  }

  function run() {
    if (running) { return; }
    running = true;
    rerun.disabled = true;
    root.setAttribute("aria-busy", "true");
    summary.textContent = text.textSummaryRunning;
    items.forEach(function (item) { setStatus(item, "testing", text.textTesting, "", false); });

    Promise.all(items.map(function (item) {
      return probe(item.dataset.probeUrl).then(function (result) { show(item, result); return result; });
    })).then(function (results) {
      var blocked = [];
      var portBlocked = false;
      results.forEach(function (result, index) {
        if (!result.ok) {
          blocked.push(items[index].dataset.name);
          if (items[index].dataset.kind === "port") { portBlocked = true; }
        }
      });
      remedy.hidden = !portBlocked;
      blockedList.hidden = !portBlocked;
      blockedList.textContent = portBlocked ? format(blockedList.dataset.text, { names: blocked.join(", ") }) : "";
      summary.textContent = blocked.length
        ? format(text.textSummaryBlocked, { names: blocked.join(", ") })
        : text.textSummaryOk;
      root.removeAttribute("aria-busy");
      rerun.hidden = false;
      rerun.disabled = false;
      running = false;
    });
  }

  rerun.addEventListener("click", run);
  remedy.hidden = true;
  run();
}());
