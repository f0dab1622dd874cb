/*
 * Organisation picker: the WAI-ARIA APG "combobox with listbox popup" pattern on the organisation text inputs
 * rendered by organisations/pickers.py (for a list of organisations, a search box whose choice is added as a line
 * of the textarea). Without this script the input still works: the server resolves the typed
 * name or business ID. Written here rather than taken from a library because the libraries that fit the pattern
 * (e.g. GOV.UK's accessible-autocomplete) are distributed as npm bundles that inject their own inline styles,
 * which our CSP (style-src/script-src 'self') refuses, and this project has no JavaScript build; the pattern needs
 * about 150 lines. Keys: Down/Up move through the suggestions, Enter chooses, Escape closes (then clears).
 */
(function () {
  "use strict";

  function setUp(root) {
    if (root.dataset.ready) { return; }
    root.dataset.ready = "1";
    var input = root.querySelector("input[type=text]");
    var pick = root.querySelector("[data-org-pick]");
    var list = root.querySelector("[role=listbox]");
    var status = root.querySelector("[data-org-status]");
    var results = [];
    var active = -1;
    var timer = null;
    var request = 0;
    var target = root.dataset.appendTo ? document.getElementById(root.dataset.appendTo) : null;
    root.hidden = false;  // the list picker's search box is shown only when this script runs

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function optionId(i) { return list.id + "-" + i; }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(i) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (el, j) { el.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", optionId(i));
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(i) {
      var chosen = results[i];
      if (!chosen) { return; }
      close();
      if (target) {  // a list of organisations: the choice becomes a line of the textarea
        var lines = target.value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
        if (lines.indexOf(chosen.name) < 0) { lines.push(chosen.name); }
        target.value = lines.join("\n");
        input.value = "";
        status.textContent = root.dataset.added.replace("{name}", chosen.name);
        return;
      }
      input.value = chosen.name;
      pick.value = String(chosen.id);
      status.textContent = chosen.name;
    }

    function render(data) {
      results = data.results;
      list.textContent = "";
      results.forEach(function (org, i) {
        var li = document.createElement("li");
        li.id = optionId(i);
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "org-picker-name";
        name.textContent = org.name;
        var detail = document.createElement("span");
        detail.className = "org-picker-detail";
        detail.textContent = org.kind_label + (org.business_id ? " · " + org.business_id : "");
        li.appendChild(name);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(detail);
        // mousedown, not click: the input must not lose focus (and close the list) before the choice lands
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      var message;
      if (!results.length) { message = root.dataset.none; }
      else if (results.length === 1) { message = root.dataset.one; }
      else { message = root.dataset.many.replace("{count}", results.length); }
      if (data.more) { message += " " + root.dataset.more.replace("{count}", results.length); }
      status.textContent = message;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = !results.length;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
    }

    function search() {
      var q = input.value.trim();
      if (q.length < 2) { results = []; close(); status.textContent = ""; return; }
      var mine = ++request;
      var url = root.dataset.searchUrl + "?q=" + encodeURIComponent(q);
      if (root.dataset.kind) { url += "&kind=" + encodeURIComponent(root.dataset.kind); }
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (data) { if (mine === request) { render(data); } })
        .catch(function (problem) {
          if (mine === request) { close(); status.textContent = root.dataset.failed; }
          if (window.console) { console.error("organisation search: " + problem); }
        });
    }

    input.addEventListener("input", function () {
      pick.value = "";  // typing after a choice: the server resolves the text again
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open && results.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (results.length) { highlight(active + 1 >= results.length ? 0 : active + 1); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!open && results.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (results.length) { highlight(active <= 0 ? results.length - 1 : active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(active); }
        else if (target) { event.preventDefault(); }  // the search box of a list never sends the form
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; pick.value = ""; }
      }
    });

    input.addEventListener("blur", function () { close(); });
  }

  document.querySelectorAll("[data-org-picker]").forEach(setUp);
})();
