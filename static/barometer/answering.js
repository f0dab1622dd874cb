/* The barometer's answering form, enhanced: every answer is saved as it is given.

   Without this script the form works page by page (each page's button saves the page). With it:
   - each changed answer is sent to the autosave address at once (text and numbers after a pause in typing);
   - answers that could not be sent yet (no connection, server away) wait in localStorage and are sent again,
     also after a reload or on the next visit; a status line, announced to screen readers, says whether
     everything is saved;
   - questions and pages appear and disappear as the answers change (the same routing as barometer/answers.py);
   - a page change moves the focus to the page's heading, an error summary takes the focus;
   - "Print" buttons work and the submit button sends once. */
(function () {
  "use strict";

  var TYPING_PAUSE_MS = 700;
  var SAVING_SHOWN_AFTER_MS = 600; // a quick save is not announced: only a slow one says "saving"
  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 30000;

  focusOnArrival();
  enablePrint();
  submitOnce();

  var root = document.querySelector("[data-answering]");
  if (!root) return;
  var form = document.getElementById("answer-form");
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var statusLine = document.getElementById("save-status");
  var messages = readJson("answering-messages") || {};
  var routing = readJson("answering-routing");
  var saveUrl = root.getAttribute("data-save-url");
  // One queue per personal link, whatever the language of the page (/fi/…, /sv/…, /en/…).
  var storeKey = "innoverkko-barometer-answers:" + saveUrl.replace(/^\/[a-z]{2}\//, "/");

  // --- the queue of answers not yet acknowledged by the server ---------------------------------------------

  var pending = load(); // question code -> {value, seq}; the newest value wins
  var sequence = Date.now();
  var inFlight = {}; // question code -> seq of the value being sent
  var failing = false; // the last attempt failed for want of a connection or server
  var retryTimer = null;
  var retryDelay = RETRY_FIRST_MS;
  var stoppedMessage = ""; // the answers can no longer be changed (submitted, round closed)
  var needsReload = false; // the page's CSRF token no longer works
  var invalid = {}; // question code -> true while the server refuses its answer
  var savedOnce = false;
  var typing = {}; // question code -> timer of text being typed, sent after a pause

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(storeKey)) || {};
    } catch (error) {
      return {};
    }
  }

  function persist() {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storeKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storeKey);
    } catch (error) {
      // No storage (private mode, full): the queue still lives as long as the page.
    }
  }

  function enqueue(code, value) {
    sequence += 1;
    pending[code] = { value: value, seq: sequence };
    persist();
    send(code);
  }

  function send(code) {
    var entry = pending[code];
    if (!entry || stoppedMessage || needsReload || inFlight[code] !== undefined) return;
    inFlight[code] = entry.seq;
    render();
    window
      .fetch(saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfInput ? csrfInput.value : "",
        },
        body: JSON.stringify({ question: code, value: entry.value }),
      })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            received(code, entry.seq, response.status, body);
          });
      })
      .catch(function () {
        delete inFlight[code];
        failed();
      });
  }

  function received(code, seq, status, body) {
    delete inFlight[code];
    if (status >= 200 && status < 300) {
      acknowledged(code, seq);
      savedOnce = true;
      failing = false;
      retryDelay = RETRY_FIRST_MS;
      showError(code, "");
    } else if (status === 400) {
      // The answer does not fit the question: sending it again would not help; the message says why.
      acknowledged(code, seq);
      showError(code, body.message || messages.not_saved);
    } else if (status === 409 || status === 404) {
      stoppedMessage = body.message || messages.reload;
      pending = {};
      persist();
    } else if (status === 403) {
      needsReload = true; // kept in the queue: a reload gives a fresh token and sends them
      render();
      return;
    } else {
      failed();
      return;
    }
    if (pending[code] && !failing) send(code); // changed again while this one was on its way
    render();
  }

  function acknowledged(code, seq) {
    if (pending[code] && pending[code].seq === seq) {
      delete pending[code];
      persist();
    }
  }

  function failed() {
    failing = true;
    render();
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function flush() {
    Object.keys(pending).forEach(send);
    render();
  }

  window.addEventListener("online", function () {
    window.clearTimeout(retryTimer);
    retryTimer = null;
    retryDelay = RETRY_FIRST_MS;
    flush();
  });

  // --- the status line -----------------------------------------------------------------------------------

  var savingTimer = null;

  function state() {
    if (stoppedMessage) return ["stopped", stoppedMessage];
    if (needsReload) return ["error", messages.reload];
    var waiting = Object.keys(pending).length > 0;
    if (waiting && failing) return ["offline", messages.offline];
    // Text typed but not sent yet (the pause before sending) is not saved either.
    if (waiting || Object.keys(inFlight).length || Object.keys(typing).length) return ["saving", messages.saving];
    if (Object.keys(invalid).length) return ["error", messages.not_saved];
    if (savedOnce) return ["saved", messages.saved];
    return ["", ""];
  }

  function render() {
    if (!statusLine) return;
    var now = state();
    // Whether anything is still on its way, at once (the text below waits a moment before saying "saving").
    statusLine.setAttribute("data-busy", now[0] === "saving" ? "true" : "false");
    if (now[0] === "saving" && statusLine.getAttribute("data-state") !== "saving") {
      if (!savingTimer) {
        savingTimer = window.setTimeout(function () {
          savingTimer = null;
          if (state()[0] === "saving") show(state());
        }, SAVING_SHOWN_AFTER_MS);
      }
      return;
    }
    show(now);
  }

  function show(now) {
    // Only a change of text is announced, so a run of quick saves stays quiet after the first "saved".
    if (statusLine.textContent !== now[1]) statusLine.textContent = now[1];
    statusLine.setAttribute("data-state", now[0]);
  }

  // --- reading and writing the inputs --------------------------------------------------------------------

  var questions = {};
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-question]"), function (element) {
      questions[element.getAttribute("data-question")] = element;
    });
  }

  function kindOf(element) {
    return element.getAttribute("data-kind");
  }

  // served: the value the page came with (the checked and value attributes of its HTML), not what the inputs hold now.
  function valueOf(element, served) {
    var kind = kindOf(element);
    function checkedIn(parent) {
      return Array.prototype.filter.call(parent.querySelectorAll("input"), function (input) {
        return served ? input.defaultChecked : input.checked;
      });
    }
    if (kind === "single") {
      var chosen = checkedIn(element)[0];
      return chosen ? chosen.value : "";
    }
    if (kind === "multiple") {
      return checkedIn(element).map(function (input) {
        return input.value;
      });
    }
    if (kind === "scale" || kind === "grid") {
      var rows = {};
      Array.prototype.forEach.call(element.querySelectorAll("[data-row]"), function (row) {
        var checked = checkedIn(row)[0];
        if (checked) rows[row.getAttribute("data-row")] = checked.value;
      });
      return rows;
    }
    var field = element.querySelector("input, textarea");
    if (!field) return "";
    return served ? field.defaultValue : field.value;
  }

  function setValue(element, value) {
    var kind = kindOf(element);
    if (kind === "single" || kind === "multiple") {
      var chosen = Array.isArray(value) ? value : [value];
      Array.prototype.forEach.call(element.querySelectorAll("input"), function (input) {
        input.checked = chosen.indexOf(input.value) !== -1;
      });
    } else if (kind === "scale" || kind === "grid") {
      Array.prototype.forEach.call(element.querySelectorAll("[data-row]"), function (row) {
        var wanted = value && value[row.getAttribute("data-row")];
        Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) {
          input.checked = input.value === wanted;
        });
      });
    } else {
      var field = element.querySelector("input, textarea");
      if (field) field.value = value === null || value === undefined ? "" : String(value);
    }
  }

  function showError(code, message) {
    var element = questions[code];
    if (message) invalid[code] = true;
    else delete invalid[code];
    if (!element) return;
    var box = element.querySelector("[data-error]");
    if (!box) return;
    box.textContent = "";
    var describedBy = element.querySelector("fieldset, input, textarea");
    var ids = describedBy ? (describedBy.getAttribute("aria-describedby") || "").split(" ").filter(Boolean) : [];
    ids = ids.filter(function (id) {
      return id !== box.id;
    });
    if (message) {
      var paragraph = document.createElement("p");
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = (messages.error_prefix || "") + " ";
      paragraph.appendChild(hidden);
      paragraph.appendChild(document.createTextNode(message));
      box.appendChild(paragraph);
      ids.push(box.id);
    }
    element.classList.toggle("has-error", Boolean(message));
    if (describedBy) {
      if (ids.length) describedBy.setAttribute("aria-describedby", ids.join(" "));
      else describedBy.removeAttribute("aria-describedby");
    }
    Array.prototype.forEach.call(element.querySelectorAll("input, textarea"), function (input) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  }

  // --- routing (a copy of barometer/answers.py: condition_met and asked) ----------------------------------

  var answers = routing ? routing.answers || {} : {};

  function isEmpty(value) {
    if (value === null || value === undefined || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.keys(value).length === 0;
    return false;
  }

  function conditionMet(condition, given) {
    if (!condition || Object.keys(condition).length === 0) return true;
    var value = given[condition.question || ""];
    var wanted = condition.any_of || [];
    var values = [];
    if (typeof value === "string") values = [value];
    else if (Array.isArray(value)) values = value;
    else if (value && typeof value === "object") values = Object.keys(value).map(function (k) { return value[k]; });
    return values.some(function (v) {
      return wanted.indexOf(v) !== -1;
    });
  }

  function askedCodes() {
    var shown = {};
    var visible = {};
    routing.sections.forEach(function (section) {
      section.questions.forEach(function (question) {
        if (conditionMet(section.show_if, visible) && conditionMet(question.show_if, visible)) {
          shown[question.code] = true;
          if (question.code in answers) visible[question.code] = answers[question.code];
        }
      });
    });
    return shown;
  }

  function applyRouting() {
    if (!routing) return;
    var shown = askedCodes();
    Object.keys(questions).forEach(function (code) {
      questions[code].hidden = !shown[code];
    });
    var pages = routing.sections.filter(function (section) {
      if (!section.questions.length) return conditionMet(section.show_if, answers);
      return section.questions.some(function (question) {
        return shown[question.code];
      });
    });
    var codes = pages.map(function (section) {
      return section.code;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-page]"), function (item) {
      item.hidden = codes.indexOf(item.getAttribute("data-page")) === -1;
    });
    var number = codes.indexOf(root.getAttribute("data-section")) + 1;
    var text = document.getElementById("progress-text");
    var bar = document.getElementById("progress-bar");
    if (number > 0 && text && bar && messages.page_of) {
      text.textContent = messages.page_of.replace("%(number)s", number).replace("%(total)s", codes.length);
      bar.max = codes.length;
      bar.value = number;
    }
  }

  // --- changes ---------------------------------------------------------------------------------------------

  var known = {}; // question code -> the value last queued, to skip sending the same again

  function changed(code) {
    var element = questions[code];
    if (!element) return;
    window.clearTimeout(typing[code]);
    delete typing[code];
    var value = valueOf(element);
    var serialised = JSON.stringify(value);
    if (known[code] === serialised) return;
    known[code] = serialised;
    if (isEmpty(value)) delete answers[code];
    else answers[code] = value;
    applyRouting();
    enqueue(code, value);
  }

  function exclusiveChoices(input) {
    // "None of these" stands alone: choosing it clears the others, choosing another clears it.
    var element = input.closest("[data-question]");
    if (!element || input.type !== "checkbox" || !input.checked) return;
    var alone = input.hasAttribute("data-exclusive");
    Array.prototype.forEach.call(element.querySelectorAll("input[type=checkbox]"), function (other) {
      if (other !== input && (alone || other.hasAttribute("data-exclusive"))) other.checked = false;
    });
  }

  if (form) {
    // What the server has: the page as it was served.
    Object.keys(questions).forEach(function (code) {
      known[code] = JSON.stringify(valueOf(questions[code], true));
    });
    // Answers from an earlier visit that never reached the server are newer than what the page shows.
    Object.keys(pending).forEach(function (code) {
      if (questions[code]) {
        setValue(questions[code], pending[code].value);
        known[code] = JSON.stringify(pending[code].value);
        if (isEmpty(pending[code].value)) delete answers[code];
        else answers[code] = pending[code].value;
      }
    });
    applyRouting();

    form.addEventListener("change", function (event) {
      var element = event.target.closest("[data-question]");
      if (!element) return;
      exclusiveChoices(event.target);
      changed(element.getAttribute("data-question"));
    });
    form.addEventListener("input", function (event) {
      var element = event.target.closest("[data-question]");
      if (!element || (kindOf(element) !== "text" && kindOf(element) !== "number")) return;
      var code = element.getAttribute("data-question");
      window.clearTimeout(typing[code]);
      typing[code] = window.setTimeout(function () {
        changed(code);
      }, TYPING_PAUSE_MS);
      render();
    });
    // An answer given before this script ran (a quick click while the page loaded), or put back by the browser on
    // returning to the page, is sent like any other change.
    Object.keys(questions).forEach(changed);
    form.addEventListener("submit", function (event) {
      Object.keys(typing).forEach(changed);
      if (stoppedMessage) return; // the server's page says why
      if (Object.keys(pending).length && (failing || navigator.onLine === false)) {
        // Leaving now would fail in the browser: stay, keep the answers, say so.
        event.preventDefault();
        show(["offline", messages.offline_stay]);
        statusLine.setAttribute("tabindex", "-1");
        statusLine.focus();
      }
    });
  }

  // On a page without the form (the check page) the queue is still sent; the page then reloads to show it.
  var waitingAtStart = Object.keys(pending).length;
  flush();
  if (!form && waitingAtStart) {
    var reloadWhenSent = window.setInterval(function () {
      if (!Object.keys(pending).length && !Object.keys(inFlight).length) {
        window.clearInterval(reloadWhenSent);
        if (!stoppedMessage) window.location.reload();
      }
    }, 250);
  }

  // --- helpers for every page ------------------------------------------------------------------------------

  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) return null;
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function focusOnArrival() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      return;
    }
    if (window.location.hash === "#page-heading") {
      var heading = document.getElementById("page-heading");
      if (heading) heading.focus();
    }
  }

  function enablePrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  function submitOnce() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once]"), function (once) {
      var sent = false;
      once.addEventListener("submit", function (event) {
        if (sent) {
          event.preventDefault();
          return;
        }
        sent = true;
        Array.prototype.forEach.call(once.querySelectorAll("button[type=submit]"), function (button) {
          button.setAttribute("aria-disabled", "true");
        });
      });
    });
  }
})();
