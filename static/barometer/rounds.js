/* Round pages, progressive enhancement (everything works without it):
   - the dashboard polls its JSON every ~15 s and updates the tables in place; the polite live region speaks the
     summary only when it changes; updates can be paused (WCAG 2.2.2) and stop while the tab is hidden;
   - "Copy" buttons copy a respondent's personal link. */
(function () {
  "use strict";

  function setCell(row, name, value) {
    var cell = row.querySelector('[data-cell="' + name + '"]');
    if (cell && cell.textContent !== String(value)) cell.textContent = value;
  }

  function setBars(row, data) {
    var responded = data.frame ? (100 * data.responded) / data.frame : 0;
    var answering = data.frame ? (100 * data.answering) / data.frame : 0;
    var fill = row.querySelector('[data-bar="responded"]');
    var part = row.querySelector('[data-bar="answering"]');
    if (fill) fill.setAttribute("width", responded.toFixed(2));
    if (part) {
      part.setAttribute("x", responded.toFixed(2));
      part.setAttribute("width", answering.toFixed(2));
    }
  }

  function updateRow(table, data) {
    var row = table.querySelector('tr[data-key="' + CSS.escape(data.key) + '"]');
    if (!row) return false;
    ["frame", "responded", "answering", "not_started", "rate_text"].forEach(function (name) {
      setCell(row, name, data[name]);
    });
    setBars(row, data);
    return true;
  }

  function startDashboard(root) {
    var url = root.getAttribute("data-dashboard");
    var seconds = parseInt(root.getAttribute("data-interval"), 10) || 15;
    var summary = root.querySelector("[data-summary]");
    var updated = root.querySelector("[data-updated]");
    var pause = root.querySelector("[data-pause]");
    var auto = root.querySelector("[data-auto]");
    var paused = false;
    var timer = null;
    var busy = false;

    function apply(data) {
      var complete = updateRow(root.querySelector('table[data-dimension="all"]'), data.overall);
      Object.keys(data.tables).forEach(function (dimension) {
        var table = root.querySelector('table[data-dimension="' + dimension + '"]');
        var rows = data.tables[dimension];
        if (!table || table.querySelectorAll("tbody tr").length !== rows.length) complete = false;
        rows.forEach(function (row) {
          if (table && !updateRow(table, row)) complete = false;
        });
      });
      // A stratum came or went (the frame changed): the page itself has the new rows.
      if (!complete) window.location.reload();
      if (updated) updated.textContent = data.updated_text;
      if (summary && summary.textContent.trim() !== data.summary) summary.textContent = data.summary;
    }

    function poll() {
      timer = null;
      if (paused || busy || document.hidden) return;
      busy = true;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(apply)
        .catch(function () { /* a dropped connection: the next poll tries again */ })
        .then(function () {
          busy = false;
          schedule();
        });
    }

    function schedule() {
      if (!paused && timer === null) timer = window.setTimeout(poll, seconds * 1000);
    }

    if (pause) {
      pause.hidden = false;
      pause.addEventListener("click", function () {
        paused = !paused;
        pause.setAttribute("aria-pressed", paused ? "true" : "false");
        if (auto) auto.hidden = paused;
        if (paused && timer !== null) {
          window.clearTimeout(timer);
          timer = null;
        }
        schedule();
      });
    }
    if (auto) auto.hidden = false;
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && timer === null && !busy) poll();
    });
    schedule();
  }

  function startCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var input = document.getElementById(button.getAttribute("data-copy"));
        var status = button.parentElement.querySelector(".copy-status");
        navigator.clipboard.writeText(input.value).then(function () {
          if (status) status.textContent = button.getAttribute("data-copied");
        });
      });
    });
  }

  document.querySelectorAll("[data-dashboard]").forEach(startDashboard);
  startCopyButtons();
})();
