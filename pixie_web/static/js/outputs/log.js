// Log outputs: a level filter (when the log has more than one level), and the list kept scrolled
// to its newest line unless the reader has scrolled up. Text streaming into a run's page is kept
// at its newest line too (its box has a height limit while it streams: tool.css).
//
// Streaming API: `window.PixieOutputs.appendLog(card, lines)` adds lines to a log card; `card` is
// the card, an element in it or its output key; `lines` is one line or a list, each a string or
// `{"t", "level", "message"}` as in a log value. Returns false if the card holds no log.
(function () {
  "use strict";

  const api = window.PixieOutputs;
  const LEVEL = /[^a-z0-9_-]/g;
  const ALIASES = { warning: "warn", err: "error", fatal: "error", critical: "error", trace: "debug" };

  function atEnd(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 8;
  }

  function lineItem(line) {
    const entry = typeof line === "string" ? { message: line } : line || {};
    const raw = String(entry.level || entry.severity || "info").toLowerCase().replace(LEVEL, "") || "info";
    const level = ALIASES[raw] || raw;
    const item = document.createElement("li");
    item.className = "log-" + level;
    item.dataset.level = level;
    const stamp = entry.t != null ? entry.t : entry.time != null ? entry.time : entry.timestamp;
    if (stamp != null) {
      const time = document.createElement("span");
      time.className = "log-time";
      time.textContent = String(stamp);
      item.append(time, " ");
    }
    const badge = document.createElement("span");
    badge.className = "log-level";
    badge.textContent = level;
    const message = document.createElement("span");
    message.className = "log-message";
    const text = entry.message != null ? entry.message : entry.msg != null ? entry.msg : entry.text;
    message.textContent = text == null ? "" : String(text);
    item.append(badge, " ", message);
    return item;
  }

  function applyFilter(list, level) {
    for (const item of list.children) {
      item.hidden = Boolean(level) && item.dataset.level !== level;
    }
  }

  function addFilter(list) {
    const card = api.cardOf(list);
    const levels = Array.from(new Set(Array.from(list.children, (li) => li.dataset.level)));
    if (!card || levels.length < 2 || card.querySelector(".log-filter")) {
      return;
    }
    const select = document.createElement("select");
    select.className = "log-filter";
    select.setAttribute("aria-label", "Show log level");
    select.append(new Option("All levels", ""), ...levels.map((level) => new Option(level, level)));
    select.addEventListener("change", () => applyFilter(list, select.value));
    api.actions(card).appendChild(select);
  }

  function setup(list) {
    list.tabIndex = 0; // a scrolling region must be reachable by keyboard
    list.scrollTop = list.scrollHeight;
    addFilter(list);
  }

  function appendLog(card, lines) {
    const found = api.findCard(card);
    const list = found && found.querySelector("ol.log");
    if (!list) {
      return false;
    }
    const follow = atEnd(list);
    const filter = found.querySelector(".log-filter");
    for (const line of Array.isArray(lines) ? lines : [lines]) {
      const item = lineItem(line);
      if (filter && filter.value) {
        item.hidden = item.dataset.level !== filter.value;
      }
      list.appendChild(item);
    }
    if (follow) {
      list.scrollTop = list.scrollHeight;
    }
    addFilter(list);
    return true;
  }

  api.appendLog = appendLog;
  api.register(".output-card ol.log", setup);
  // Each streamed event redraws the card, so a new box starts at its end.
  api.register(".run-stream pre.output-stream", (pre) => {
    pre.tabIndex = 0;
    pre.scrollTop = pre.scrollHeight;
  });
})();
